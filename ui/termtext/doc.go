// Package termtext makes text from repositories and servers safe and fit
// for terminal cells: Sanitize strips control sequences, Fit pads or
// truncates to a display width. Every component renders remote strings
// only after they went through Sanitize (the dashboard does it once, when
// the text enters the model).
package termtext
