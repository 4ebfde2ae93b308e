//go:build !unix

package cli

import (
	"os/exec"
	"time"
)

// procGroup on non-unix systems relies on exec's default cancellation,
// which kills the git process itself; WaitDelay bounds the wait for
// children that still hold its pipes.
type procGroup struct{}

func newProcGroup(cmd *exec.Cmd) *procGroup {
	cmd.WaitDelay = time.Second
	return &procGroup{}
}

func (g *procGroup) finished() {}
