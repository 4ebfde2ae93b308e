package engine

import (
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain isolates git's configuration for the whole test binary, so that
// the tests that mostly wait (stalled and trickling transfers, Retry-After,
// a far or limiting server) can run in parallel with each other, which
// gittest.Isolate's t.Setenv forbids.
func TestMain(m *testing.M) { os.Exit(gittest.RunIsolated(m, "engine", nil)) }
