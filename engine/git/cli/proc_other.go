//go:build !unix

package cli

import (
	"os/exec"
	"time"
)

// procGroup on non-unix systems kills the git process itself on
// cancellation; WaitDelay, set only then (a normal exit must never fail
// for a slow reader), bounds the wait for children that still hold its
// pipes.
type procGroup struct{}

func newProcGroup(cmd *exec.Cmd) *procGroup {
	cmd.Cancel = func() error {
		cmd.WaitDelay = time.Second
		return cmd.Process.Kill()
	}
	return &procGroup{}
}

func (g *procGroup) finished() {}
