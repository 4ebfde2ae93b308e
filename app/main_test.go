package app

import (
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain gives the package one scratch directory, removed at the end:
// the end-to-end tests build the binary into it once (buildBinary), and
// git run by the tests' helpers and by Main in-process reads the clean
// configuration written there (gittest.IsolateProcess) instead of the
// developer's. That is why the in-process tests need no gittest.Isolate
// (t.Setenv, which forbids t.Parallel): mgit's own files follow the getenv
// each test hands Main or the Factory, and what git and the engine keep
// under the shared HOME's cache (a lock and a dirty hint per repository,
// every repository in its test's TempDir; the git version, written
// atomically) is shared as by two mgit processes of one user. The build
// runs with the environment from before the isolation, so the Go build
// cache under the real HOME serves it.
func TestMain(m *testing.M) {
	os.Exit(gittest.RunIsolated(m, "app", func(dir string) {
		e2e.dir, e2e.buildEnv = dir, os.Environ()
	}))
}
