//go:build !unix

package testbin

import "errors"

// lock is unsupported here: Build links into the caller's directory.
func lock(string) (func(), error) { return nil, errors.New("no file lock on this system") }
