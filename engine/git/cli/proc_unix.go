//go:build unix

package cli

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// killGrace is how long git gets after SIGTERM to remove its lock and
// temporary files before the whole group is killed.
const killGrace = 300 * time.Millisecond

// waitDelay bounds how long Wait waits, once the command is cancelled, for
// stray processes that still hold our pipes. It is set only on
// cancellation: exec also applies WaitDelay after a normal exit, and on a
// loaded machine a reader that has not yet drained a healthy git's output
// within it would turn a success into "WaitDelay expired before I/O
// complete". Without cancellation the pipes are read to EOF, which comes
// once git and its children have exited.
const waitDelay = time.Second

// procGroup runs git in a session of its own: it has no controlling
// terminal (so nothing it starts, ssh included, can prompt), and cancelling
// signals the whole process group — git-remote-http, index-pack, ssh —
// not only the git process we started. On Linux git also dies with mgit
// (see setParentDeathSignal).
type procGroup struct {
	mu    sync.Mutex
	done  bool
	timer *time.Timer
}

func newProcGroup(cmd *exec.Cmd) *procGroup {
	g := &procGroup{}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	setParentDeathSignal(cmd.SysProcAttr)
	cmd.Cancel = func() error {
		// exec reads WaitDelay after Cancel returns, in the goroutine
		// that calls Cancel, and hands it to Wait through a channel:
		// setting it here is race-free and limits it to cancellation.
		cmd.WaitDelay = waitDelay
		pgid := cmd.Process.Pid
		// SIGTERM first: git's signal handlers delete index.lock,
		// ref locks and temporary packs, leaving the repository whole.
		err := syscall.Kill(-pgid, syscall.SIGTERM)
		g.mu.Lock()
		defer g.mu.Unlock()
		if !g.done {
			g.timer = time.AfterFunc(killGrace, func() {
				g.mu.Lock()
				defer g.mu.Unlock()
				if !g.done {
					_ = syscall.Kill(-pgid, syscall.SIGKILL)
				}
			})
		}
		return err
	}
	return g
}

// finished is called once Wait returned; after it the group ID may be
// reused, so no signal may be sent any more.
func (g *procGroup) finished() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done = true
	if g.timer != nil {
		g.timer.Stop()
	}
}
