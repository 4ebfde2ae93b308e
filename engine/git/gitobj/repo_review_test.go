package gitobj_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestReviewRelativeGitfileThroughSymlink: a work tree reached through a
// symbolic link whose ".git" file holds a relative path with "..". git
// resolves it physically (real_path of the file's directory, as the
// kernel resolves ".."); mgit joined it lexically and looked next to the
// link: Open failed, or found another repository, where git finds the
// right one.
func TestReviewRelativeGitfileThroughSymlink(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	real := filepath.Join(base, "real")
	main := filepath.Join(real, "main")
	gittest.InitRepo(t, main)
	gittest.Commit(t, main, "f", "x\n", "c")
	wt := filepath.Join(real, "wt")
	gittest.Git(t, main, "worktree", "add", "-q", wt)
	// A relative gitdir (as submodules and newer git write them).
	if err := os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: ../main/.git/worktrees/wt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(wt, link); err != nil {
		t.Fatal(err)
	}
	want := gittest.Git(t, link, "rev-parse", "--absolute-git-dir")
	wantCommon := gittest.Git(t, link, "rev-parse", "--path-format=absolute", "--git-common-dir")
	r, err := gitobj.Open(link)
	if err != nil {
		t.Fatalf("Open: %v; git finds %s", err, want)
	}
	real1, _ := filepath.EvalSymlinks(r.GitDir)
	real2, _ := filepath.EvalSymlinks(r.CommonDir)
	if real1 != want || real2 != wantCommon {
		t.Errorf("git dir %s (common %s), git says %s (common %s)", r.GitDir, r.CommonDir, want, wantCommon)
	}
}
