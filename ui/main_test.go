package ui

import (
	"os"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/internal/testbin"
)

// TestMain gives the package a scratch directory, removed at the end, for
// the one build of the binary the tmux tests share (tmuxBinary), and
// isolates git's configuration for the whole process
// (gittest.RunIsolated), so the tmux tests, which run in parallel and so
// cannot call gittest.Isolate, run their git helpers with a clean one. The
// build runs with the environment from before the isolation, so the usual
// module and build caches under the real HOME serve it.
func TestMain(m *testing.M) {
	os.Exit(gittest.RunIsolated(m, "ui", func(dir string) {
		e2e.dir, e2e.buildEnv = dir, os.Environ()
	}))
}

// e2e is the package's one build of the binary; TestMain sets dir and
// buildEnv.
var e2e struct {
	dir      string
	buildEnv []string // the environment before gittest.IsolateProcess
	once     sync.Once
	bin      string
	err      error
}

// tmuxBinary returns mgit built once for the package (each test built its
// own: seconds of linking apiece) by testbin.Build, the same build as the
// app and root packages' end-to-end tests, so they share the build cache.
func tmuxBinary(t *testing.T) string {
	t.Helper()
	e2e.once.Do(func() { e2e.bin, e2e.err = testbin.Build(e2e.dir, e2e.buildEnv) })
	if e2e.err != nil {
		t.Fatal(e2e.err)
	}
	return e2e.bin
}
