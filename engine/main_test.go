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
//
// Every repository git makes here also starts from an empty template
// directory (GIT_TEMPLATE_DIR): git's default one holds 16 sample hooks
// and files that the tests do not need, and creating files is much of
// their cost (on ext4 without a journal each new inode scans the recently
// deleted ones). That those files are not local work is
// TestGitTemplateIsNotLocalWork's case.
func TestMain(m *testing.M) {
	os.Exit(gittest.RunIsolated(m, "engine", gittest.EmptyTemplate))
}
