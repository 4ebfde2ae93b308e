package gogit_test

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
// and files that nothing in this package reads, and creating files was the
// largest cost of the package (on ext4 without a journal, each new inode
// scans the recently deleted ones: 58% of its CPU time with the default
// template, a run's CPU time 41 s -> 23 s without it). No backend reads
// the template's files: go-git writes none of them, and a test that needs
// .git/info/exclude writes it (gittest.WriteFile makes the directory).
func TestMain(m *testing.M) {
	os.Exit(gittest.RunIsolated(m, "gogit", gittest.EmptyTemplate))
}
