//go:build unix

package engine

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this id exists. EPERM means it
// exists under another user; PID reuse can make a dead mgit look alive, which
// only delays the clean-up of its temporary clone to a later run.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
