//go:build !linux

package main

import (
	"errors"
	"os"
	"syscall"
)

// openPTY: the tool opens /dev/ptmx, which only Linux provides here; the
// stub keeps `go build ./...` working when CI cross-compiles the module.
func openPTY(cols, rows int) (ctl, term *os.File, err error) {
	return nil, nil, errors.New("screenshot runs on Linux only (it opens /dev/ptmx)")
}

func controllingTerminal() *syscall.SysProcAttr { return nil }
