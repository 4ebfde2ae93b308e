package gogit_test

import (
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain isolates git's configuration once for the whole binary, so
// that parallel tests — the conformance cases — run git with a clean
// configuration; tests that call gittest.Isolate still get their own.
func TestMain(m *testing.M) { os.Exit(gittest.RunIsolated(m, "gogit", nil)) }
