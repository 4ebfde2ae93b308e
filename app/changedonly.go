package app

import "github.com/spf13/pflag"

// addChangedOnlyFlag registers --changed-only (fetch and pull): the
// presenter then leaves out repositories the operation changed nothing in.
func (c *cli) addChangedOnlyFlag(fs *pflag.FlagSet) {
	fs.BoolVar(&c.changedOnly, "changed-only", false,
		"list only repositories whose refs changed (and failures); the summary still counts all")
}
