package app

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain gives the package one scratch directory, removed at the end:
// the end-to-end tests build the binary into it once (e2eBinary), and git
// run by the helpers of parallel tests reads the clean configuration
// written there (gittest.IsolateProcess) instead of the developer's.
func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mgit-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The build runs with the environment from before the isolation, so
	// the Go build cache under the real HOME serves it.
	e2e.dir, e2e.buildEnv = dir, os.Environ()
	if err := gittest.IsolateProcess(filepath.Join(dir, "home")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
