package app

import (
	"io"

	"github.com/spf13/cobra"
)

// helpRoot is the command tree as Main builds it, for tests that read
// help text and flags.
func helpRoot() *cobra.Command {
	return NewCmdRoot(newFactory(io.Discard, io.Discard, func(string) string { return "" }, nil))
}
