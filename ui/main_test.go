package ui

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/internal/testbin"
)

// TestMain gives the package a scratch directory, removed at the end, for
// the one build of the binary the tmux tests share (tmuxBinary).
func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mgit-ui-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	e2e.dir = dir
	return m.Run()
}

// e2e is the package's one build of the binary; TestMain sets dir.
var e2e struct {
	dir  string
	once sync.Once
	bin  string
	err  error
}

// tmuxBinary returns mgit built once for the package (each test built its
// own: seconds of linking apiece) by testbin.Build, the same build as the
// app and root packages' end-to-end tests, so they share the build cache.
// Call it before gittest.Isolate moves HOME, so the usual module and build
// caches serve the build.
func tmuxBinary(t *testing.T) string {
	t.Helper()
	e2e.once.Do(func() { e2e.bin, e2e.err = testbin.Build(e2e.dir, nil) })
	if e2e.err != nil {
		t.Fatal(e2e.err)
	}
	return e2e.bin
}
