package gitobj_test

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// gitRefs is git's own answer: for-each-ref over prefixes, symbolic refs
// left out.
func gitRefs(t *testing.T, dir string, prefixes ...string) map[string]string {
	t.Helper()
	out := gittest.Git(t, dir, append([]string{"for-each-ref", "--format=%(objectname) %(refname) %(symref)"}, prefixes...)...)
	refs := map[string]string{}
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) == 2 { // a third field is a symbolic ref's target
			refs[f[1]] = f[0]
		}
	}
	return refs
}

func TestRefsUnder(t *testing.T) {
	gittest.Isolate(t)
	src := filepath.Join(t.TempDir(), "src")
	gittest.InitRepo(t, src)
	first := gittest.Commit(t, src, "a.txt", "a\n", "first")
	gittest.Git(t, src, "tag", "v1")
	gittest.Git(t, src, "branch", "topic")
	dir := filepath.Join(t.TempDir(), "clone")
	gittest.Clone(t, src, dir)
	gittest.Git(t, dir, "branch", "local-only")
	gittest.Git(t, dir, "pack-refs", "--all") // everything packed...
	gittest.Commit(t, dir, "b.txt", "b\n", "second")
	second := gittest.Head(t, dir) // ...and main loose again, overriding its packed value
	gittest.Git(t, dir, "update-ref", "refs/remotes/origin/deep/er", first)

	common, err := gitobj.CommonDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if common != filepath.Join(dir, ".git") {
		t.Fatalf("CommonDir = %s", common)
	}
	prefixes := []string{"refs/heads/", "refs/remotes/"}
	got, err := gitobj.RefsUnder(common, prefixes...)
	if err != nil {
		t.Fatal(err)
	}
	want := gitRefs(t, dir, "refs/heads/", "refs/remotes/")
	if !maps.Equal(got, want) {
		t.Fatalf("RefsUnder = %v\ngit says    %v", got, want)
	}
	if got["refs/heads/main"] != second || got["refs/heads/local-only"] != first {
		t.Errorf("loose main must override packed main: %v", got)
	}
	if _, ok := got["refs/remotes/origin/HEAD"]; ok {
		t.Error("symbolic origin/HEAD listed")
	}
	if _, ok := got["refs/tags/v1"]; ok {
		t.Error("a ref outside the prefixes listed")
	}

	// A loose file that is not an id hides the packed value, as in git; a
	// .lock file is an update in progress, not a ref.
	if err := os.WriteFile(filepath.Join(common, "refs", "heads", "local-only"), []byte("garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(common, "refs", "heads", "main.lock"), []byte(first+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err = gitobj.RefsUnder(common, "refs/heads/")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["refs/heads/local-only"]; ok {
		t.Errorf("a broken loose ref must hide the packed value: %v", got)
	}
	if _, ok := got["refs/heads/main.lock"]; ok {
		t.Errorf("lock file listed as a ref: %v", got)
	}
	if got["refs/heads/main"] != second {
		t.Errorf("main = %q, want %s", got["refs/heads/main"], second)
	}
}

func TestRefsUnderEmptyRepository(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	if err := os.RemoveAll(filepath.Join(dir, ".git", "refs", "heads")); err != nil {
		t.Fatal(err)
	}
	got, err := gitobj.RefsUnder(filepath.Join(dir, ".git"), "refs/heads/", "refs/remotes/")
	if err != nil || len(got) != 0 {
		t.Fatalf("RefsUnder = %v, %v; want nothing, no error", got, err)
	}
}

func TestRefsUnderRefusesReftable(t *testing.T) {
	// Laid out as git 2.45+ does with --ref-format=reftable (git 2.39 cannot
	// make one): refs/heads is a placeholder file, the refs are elsewhere.
	common := t.TempDir()
	for _, p := range []string{"reftable", "refs"} {
		if err := os.Mkdir(filepath.Join(common, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(common, "refs", "heads"), []byte("this repository uses the reftable format\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if refs, err := gitobj.RefsUnder(common, "refs/heads/"); !errors.Is(err, gitobj.ErrNeedGit) {
		t.Fatalf("RefsUnder = %v, %v; want ErrNeedGit, not an empty listing", refs, err)
	}
}

func TestCommonDirLinkedWorktree(t *testing.T) {
	gittest.Isolate(t)
	dir := filepath.Join(t.TempDir(), "main")
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a.txt", "a\n", "first")
	wt := filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, dir, "worktree", "add", "-q", "-b", "side", wt)
	want, err := filepath.EvalSymlinks(filepath.Join(dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	common, err := gitobj.CommonDir(wt)
	if err != nil {
		t.Fatal(err)
	}
	if real, _ := filepath.EvalSymlinks(common); real != want {
		t.Fatalf("CommonDir(worktree) = %s, want %s", common, want)
	}
	// The worktree's branch is a ref of the shared repository.
	refs, err := gitobj.RefsUnder(common, "refs/heads/")
	if err != nil {
		t.Fatal(err)
	}
	if refs["refs/heads/side"] != gittest.Head(t, wt) {
		t.Fatalf("refs %v: no side branch at the worktree's HEAD", refs)
	}
	if _, err := gitobj.CommonDir(t.TempDir()); err == nil {
		t.Fatal("CommonDir of a directory without .git: no error")
	}
}
