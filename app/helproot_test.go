package app

import (
	"io"

	"github.com/spf13/cobra"
)

// helpRoot is the command tree as Main builds it, for tests that read
// help text and flags.
func helpRoot() *cobra.Command {
	c := &cli{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	return c.rootCommand()
}
