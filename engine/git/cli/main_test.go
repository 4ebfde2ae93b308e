package cli_test

import (
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain isolates git's configuration once for the whole binary, so
// that parallel tests — the conformance cases — run git with a clean
// configuration; tests that call gittest.Isolate still get their own.
//
// Every repository git makes here also starts from an empty template
// directory (GIT_TEMPLATE_DIR): git's default one holds 16 sample hooks
// and files that nothing here reads, and creating files is the largest
// cost of these tests (on ext4 without a journal each new inode scans the
// recently deleted ones). The tests about hooks install their own: one
// through init.templateDir, which unsets the variable while it runs.
func TestMain(m *testing.M) {
	os.Exit(gittest.RunIsolated(m, "cli", gittest.EmptyTemplate))
}
