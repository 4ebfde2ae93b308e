package cli

import (
	"runtime"
	"syscall"
)

// setParentDeathSignal asks the kernel to send git SIGTERM when mgit dies,
// even by SIGKILL, so no git keeps running (with a token in its
// environment) against a stalled server after mgit is gone. SIGTERM rather
// than SIGKILL: git's handlers then remove index.lock and ref locks, so the
// next run does not find the repository locked. git's own children
// (git-remote-https, index-pack) are not covered; they lose their pipes to
// git and the low-speed limit (see stallConfig) ends a stalled transfer.
//
// The signal is tied to the OS thread that forked git, not to the process
// (go.dev/issue/27505): the Go runtime ends a thread when a goroutine
// locked to it exits, and the child would be killed by that. runLocked
// keeps the forking goroutine on its thread until Wait returns.
func setParentDeathSignal(a *syscall.SysProcAttr) {
	a.Pdeathsig = syscall.SIGTERM
}

// runLocked runs fn with the calling goroutine locked to its OS thread, so
// the thread that forks git (and carries its parent-death signal) lives at
// least as long as git.
func runLocked(fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return fn()
}
