package gogit_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// refusedUntouched asserts a pull was refused with nothing changed, or (if
// it went ahead) that the check still holds.
func pullKeeps(t *testing.T, work string, keep func(t *testing.T)) {
	t.Helper()
	head := gittest.Head(t, work)
	before := porcelain(t, work)
	_, err := pull(t, work)
	if err != nil {
		if gittest.Head(t, work) != head {
			t.Error("HEAD moved on a refused pull")
		}
		if after := porcelain(t, work); after != before {
			t.Errorf("refused pull changed the work tree:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	}
	keep(t)
}

// TestReviewPullThroughSymlinkedDir: a tracked directory replaced locally
// by a symbolic link to a directory outside the work tree, and upstream
// adds a file in it. git refuses (it never writes beyond a symbolic link);
// mgit must not write into the outside directory.
func TestReviewPullThroughSymlinkedDir(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "sub/file.txt", "one\n", "sub")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")
	gittest.Commit(t, seed, "sub/new.txt", "new\n", "sub new")
	gittest.Push(t, seed)
	outside := t.TempDir()
	if err := os.RemoveAll(filepath.Join(work, "sub")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(work, "sub")); err != nil {
		t.Fatal(err)
	}
	pullKeeps(t, work, func(t *testing.T) {
		if _, err := os.Lstat(filepath.Join(outside, "new.txt")); err == nil {
			t.Error("pull wrote through a symbolic link to a directory outside the work tree")
		}
	})
}

// TestReviewPullDirBecomesFileWithIgnored: upstream turns directory d into
// a file while d holds an ignored file of the user's. Whatever mgit does,
// the ignored file must not be lost.
func TestReviewPullDirBecomesFileWithIgnored(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "d/x.txt", "x\n", "d")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")
	gittest.Git(t, seed, "rm", "-q", "-r", "d")
	gittest.WriteFile(t, seed, "d", "file now\n")
	gittest.Git(t, seed, "add", "d")
	gittest.Git(t, seed, "commit", "-q", "-m", "d is a file")
	gittest.Push(t, seed)
	gittest.WriteFile(t, work, ".git/info/exclude", "*.log\n")
	gittest.WriteFile(t, work, "d/mine.log", "precious\n")
	pullKeeps(t, work, func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(work, "d", "mine.log")); err == nil {
			return
		}
		t.Error("ignored d/mine.log is gone from where it was (moved aside is acceptable only if reported)")
	})
}

// TestReviewPullDeleteKeepsIgnoredSibling: upstream deletes d/x.txt, the
// last tracked file of d, which also holds an ignored file. git keeps d and
// the ignored file.
func TestReviewPullDeleteKeepsIgnoredSibling(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "d/x.txt", "x\n", "d")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")
	gittest.Git(t, seed, "rm", "-q", "d/x.txt")
	gittest.Git(t, seed, "commit", "-q", "-m", "rm")
	gittest.Push(t, seed)
	gittest.WriteFile(t, work, ".git/info/exclude", "*.log\n")
	gittest.WriteFile(t, work, "d/mine.log", "precious\n")
	gittest.WriteFile(t, work, "d/e/deep.log", "precious\n")
	pullKeeps(t, work, func(t *testing.T) {
		for _, p := range []string{"d/mine.log", "d/e/deep.log"} {
			if got, err := os.ReadFile(filepath.Join(work, p)); err != nil || string(got) != "precious\n" {
				t.Errorf("%s = %q, %v", p, got, err)
			}
		}
	})
}

// TestReviewPullAssumeUnchangedModified: a file marked assume-unchanged is
// modified locally and upstream changes it. git overwrites it (it trusts
// the flag); mgit must refuse rather than lose the edit.
func TestReviewPullAssumeUnchangedModified(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "README.md", "upstream\n", "change")
	gittest.Push(t, seed)
	gittest.Git(t, work, "update-index", "--assume-unchanged", "README.md")
	gittest.WriteFile(t, work, "README.md", "mine\n")
	pullKeeps(t, work, func(t *testing.T) {
		if got := gittest.ReadFile(t, work, "README.md"); got != "mine\n" {
			t.Errorf("README.md = %q: the local edit was lost", got)
		}
	})
}

// TestReviewPullUntrackedDirWhereFileComes: upstream adds file x where the
// work tree has an untracked directory x/ with a file: git refuses.
func TestReviewPullUntrackedDirWhereFileComes(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "x", "file\n", "x")
	gittest.Push(t, seed)
	gittest.WriteFile(t, work, "x/mine.txt", "precious\n")
	head := gittest.Head(t, work)
	_, err := pull(t, work)
	if !errors.Is(err, git.ErrLocalChanges) {
		t.Errorf("err = %v, want ErrLocalChanges", err)
	}
	if gittest.Head(t, work) != head {
		t.Error("HEAD moved")
	}
	if got := gittest.ReadFile(t, work, "x/mine.txt"); got != "precious\n" {
		t.Errorf("x/mine.txt = %q", got)
	}
}

// TestReviewPullDeleteLocallyModified: upstream deletes a file the user
// modified: git refuses.
func TestReviewPullDeleteLocallyModified(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "other.txt", "o\n", "other")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")
	gittest.Git(t, seed, "rm", "-q", "other.txt")
	gittest.Git(t, seed, "commit", "-q", "-m", "rm")
	gittest.Push(t, seed)
	gittest.WriteFile(t, work, "other.txt", "mine\n")
	pullKeeps(t, work, func(t *testing.T) {
		if got := gittest.ReadFile(t, work, "other.txt"); got != "mine\n" {
			t.Errorf("other.txt = %q", got)
		}
	})
}

// TestReviewPullSymlinkBecomesDir: a tracked symbolic link to a directory
// outside the work tree is replaced upstream by a real directory with a
// file. git removes the link and creates the directory; the file must not
// land in the outside directory.
func TestReviewPullSymlinkBecomesDir(t *testing.T) {
	seed, work := cloned(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(seed, "evil")); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, seed, "add", "evil")
	gittest.Git(t, seed, "commit", "-q", "-m", "link")
	gittest.Push(t, seed)
	if _, err := pull(t, work); err != nil {
		t.Fatalf("pull: %v", err)
	}
	gittest.Git(t, seed, "rm", "-q", "evil")
	gittest.WriteFile(t, seed, "evil/x", "payload\n")
	gittest.Git(t, seed, "add", "evil/x")
	gittest.Git(t, seed, "commit", "-q", "-m", "dir")
	gittest.Push(t, seed)
	_, err := pull(t, work)
	if _, serr := os.Lstat(filepath.Join(outside, "x")); serr == nil {
		t.Fatalf("pull (err %v) wrote x through the old symbolic link into %s", err, outside)
	}
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	if got := porcelain(t, work); got != "" {
		t.Errorf("git status after pull:\n%s", got)
	}
}

// TestReviewPullKeepsIntentToAdd: an intent-to-add entry (git add -N) on a
// path the pull does not touch must survive the index rewrite, as it does
// in git's fast-forward: git status stays " A new.txt" (not "AM", an
// empty file staged).
func TestReviewPullKeepsIntentToAdd(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "README.md", "upstream\n", "change")
	gittest.Push(t, seed)
	gittest.WriteFile(t, work, "new.txt", "mine\n")
	gittest.Git(t, work, "add", "-N", "new.txt")
	gittest.WriteFile(t, work, "flags.txt", "f\n")
	gittest.Git(t, work, "add", "flags.txt")
	gittest.Git(t, work, "update-index", "--skip-worktree", "flags.txt")
	before := porcelain(t, work)
	flagsBefore := gittest.Git(t, work, "ls-files", "-v")
	if _, err := pull(t, work); err != nil {
		t.Fatalf("pull: %v", err)
	}
	if after := porcelain(t, work); after != before {
		t.Errorf("git status changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if after := gittest.Git(t, work, "ls-files", "-v"); after != flagsBefore {
		t.Errorf("index flags changed:\nbefore:\n%s\nafter:\n%s", flagsBefore, after)
	}
}

// TestReviewPullMergeRefMissing: branch.main.merge names a branch the
// remote does not have. git pull fails ("no such ref was fetched"); a
// pull that reports success (up to date) says something git does not.
func TestReviewPullMergeRefMissing(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "config", "branch.main.merge", "refs/heads/nope")
	if _, err := gittest.TryGit(work, "pull", "--ff-only"); err == nil {
		t.Fatal("setup: git pull succeeded")
	}
	res, err := pull(t, work)
	if err == nil {
		t.Errorf("pull = %+v, nil; git pull fails: no such ref was fetched", res)
	}
}
