//go:build unix && !linux

package cli

import "syscall"

// setParentDeathSignal does nothing: only Linux has a parent-death signal.
// A git outliving mgit is bounded by the low-speed limit.
func setParentDeathSignal(*syscall.SysProcAttr) {}
