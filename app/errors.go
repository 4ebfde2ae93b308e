package app

import (
	"errors"
	"fmt"
)

// usageError is a mistake in how mgit was invoked or configured: a bad flag
// value, a missing directory, a URL that cannot be cloned safely. It exits 2
// and its hint tells the user how to fix it.
type usageError struct {
	msg  string
	hint string
	// cause is the refused input (a secure.InputError) when there is one:
	// Main audits it.
	cause error
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Unwrap() error { return e.cause }

// usagef builds a usageError; hint may be "".
func usagef(hint, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: hint}
}

// exitError ends the command with a specific exit code after printing err
// (when not nil) to stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// interrupted is returned when the context was cancelled before a run
// started (e.g. Ctrl-C during discovery).
func interrupted(err error) error {
	return &exitError{code: exitInterrupted, err: err}
}

// exitCodeOf maps what a command returned to the process exit code and the
// message to print. Anything that is not an exitError — cobra's own errors
// for unknown commands, flags and argument counts included — is a usage
// error: exit 2.
func exitCodeOf(err error) (code int, msg, hint string) {
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err == nil {
			return ee.code, "", ""
		}
		return ee.code, ee.err.Error(), ""
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return exitUsage, ue.msg, ue.hint
	}
	return exitUsage, err.Error(), "Run 'mgit --help' for usage."
}
