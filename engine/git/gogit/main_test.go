package gogit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain isolates git's configuration once for the whole binary
// (gittest.IsolateProcess, in a directory removed at the end), so that
// parallel tests — the conformance cases — run git with a clean
// configuration; tests that call gittest.Isolate still get their own.
func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mgit-gogit-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if err := gittest.IsolateProcess(filepath.Join(dir, "home")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
