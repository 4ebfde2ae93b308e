// Package detail is the pane Enter opens for one repository: its state,
// its recent commits and changed files, and the full result of its last
// operation, with the classified cause and what to do about it.
package detail
