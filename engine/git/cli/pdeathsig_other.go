//go:build !linux

package cli

// runLocked runs fn: only Linux has a parent-death signal, so there is no
// thread to keep alive.
func runLocked(fn func() error) error { return fn() }
