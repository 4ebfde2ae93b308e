package gitobj_test

import (
	"errors"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// check reads HEAD in-process and compares every field with git's own view.
func check(t *testing.T, dir string) {
	t.Helper()
	head := gittest.Head(t, dir)
	objects, err := gitobj.ObjectsDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := gitobj.ReadCommit(objects, head)
	if err != nil {
		t.Fatalf("ReadCommit: %v", err)
	}
	c, err := gitobj.ParseCommit(head, raw)
	if err != nil {
		t.Fatal(err)
	}
	if want := gittest.Git(t, dir, "log", "-1", "--format=%s"); c.Subject != want {
		t.Errorf("subject %q, git says %q", c.Subject, want)
	}
	if want := gittest.Git(t, dir, "log", "-1", "--format=%an"); c.Author != want {
		t.Errorf("author %q, git says %q", c.Author, want)
	}
	if want := gittest.Git(t, dir, "log", "-1", "--format=%at"); strconv.FormatInt(c.Time.Unix(), 10) != want {
		t.Errorf("time %v, git says %s", c.Time, want)
	}
	if want := gittest.Git(t, dir, "log", "-1", "--format=%T"); gitobj.CommitTree(raw) != want {
		t.Errorf("tree %q, git says %q", gitobj.CommitTree(raw), want)
	}
}

func TestLooseAndPacked(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a.txt", "a\n", "first")
	gittest.Commit(t, dir, "a.txt", "b\n", "second line of work\ncontinued\n\nbody")
	check(t, dir) // loose
	gittest.Git(t, dir, "gc", "-q")
	check(t, dir) // packed
}

func TestMissingObject(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a.txt", "a\n", "first")
	_, err := gitobj.ReadCommit(filepath.Join(dir, ".git", "objects"), "0123456789012345678901234567890123456789")
	if !errors.Is(err, gitobj.ErrNeedGit) {
		t.Fatalf("err = %v, want ErrNeedGit", err)
	}
}
