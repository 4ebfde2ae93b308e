package app

import "github.com/spf13/pflag"

// addChangedOnlyFlag registers --changed-only (fetch and pull) into p: the
// presenter then leaves out repositories the operation changed nothing in.
func addChangedOnlyFlag(fs *pflag.FlagSet, p *bool) {
	fs.BoolVar(p, "changed-only", false,
		"list only repositories whose refs changed (and failures); the summary still counts all")
}
