package app

import (
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain gives the package one scratch directory, removed at the end:
// the end-to-end tests build the binary into it once (e2eBinary), and git
// run by the helpers of parallel tests reads the clean configuration
// written there (gittest.IsolateProcess) instead of the developer's. The
// build runs with the environment from before the isolation, so the Go
// build cache under the real HOME serves it.
func TestMain(m *testing.M) {
	os.Exit(gittest.RunIsolated(m, "app", func(dir string) {
		e2e.dir, e2e.buildEnv = dir, os.Environ()
	}))
}
