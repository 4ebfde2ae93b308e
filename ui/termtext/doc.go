// Package termtext makes text fit for terminal cells: Fit pads or
// truncates to a display width. Every component renders remote strings
// only after they went through safetext.Sanitize, the one sanitizer of
// both presenters (the dashboard does it once, when the text enters the
// model).
package termtext
