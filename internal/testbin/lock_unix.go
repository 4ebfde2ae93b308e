//go:build unix

package testbin

import (
	"os"
	"syscall"
)

// lock holds an exclusive flock on path until unlock: the test binaries
// of several packages build at once under `go test ./...`.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { _ = f.Close() }, nil // closing releases the lock
}
