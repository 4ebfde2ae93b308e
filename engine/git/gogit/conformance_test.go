package gogit_test

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/conformance"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestConformance runs the suite both backends must pass. go-git cannot
// rebase, so the rebase cases expect ErrUnsupported.
func TestConformance(t *testing.T) {
	conformance.Run(t, func(*testing.T) git.Backend { return gogit.New() }, conformance.Capabilities{Rebase: false, Parallel: true})
}
