package cli_test

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/conformance"
)

// TestConformance runs the suite both backends must pass; the git CLI can
// rebase, so the rebase cases expect a linear history.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(*testing.T) git.Backend { return cli.New() }, conformance.Capabilities{Rebase: true, Parallel: true})
}
