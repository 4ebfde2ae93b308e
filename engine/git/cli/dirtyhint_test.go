package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/quickstatus"
	"github.com/mgit-dev/mgit/engine/state"
)

// hintRig is a repository, a Backend with hints that counts its
// in-process reads, and git's own answer to compare with.
type hintRig struct {
	t     *testing.T
	dir   string
	b     *Backend
	reads int
}

func newHintRig(t *testing.T) *hintRig {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	r := &hintRig{t: t, dir: t.TempDir()}
	gittest.InitRepo(t, r.dir)
	gittest.Commit(t, r.dir, "a.txt", "one\n", "first")
	gittest.Commit(t, r.dir, "b.txt", "two\n", "second")
	r.b = &Backend{quickRead: func(dir string) (git.Status, error) {
		r.reads++
		return quickstatus.Read(dir)
	}}
	return r
}

// status returns the hinted Backend's answer after checking it is git's:
// a Backend without hints or in-process reads asks git every time.
func (r *hintRig) status() git.Status {
	r.t.Helper()
	got, err := r.b.Status(context.Background(), r.dir)
	if err != nil {
		r.t.Fatalf("Status: %v", err)
	}
	plain := &Backend{NoHints: true, quickRead: func(string) (git.Status, error) {
		return git.Status{}, errors.New("ask git")
	}}
	want, err := plain.Status(context.Background(), r.dir)
	if err != nil {
		r.t.Fatalf("git status: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		r.t.Fatalf("status with hints = %+v\ngit says %+v", got, want)
	}
	return got
}

// step checks one status: its dirtiness and whether it read in-process.
func (r *hintRig) step(name string, dirty, readInProcess bool) {
	r.t.Helper()
	before := r.reads
	st := r.status()
	if st.Dirty() != dirty {
		r.t.Fatalf("%s: dirty = %v, want %v (%+v)", name, st.Dirty(), dirty, st)
	}
	if read := r.reads > before; read != readInProcess {
		r.t.Fatalf("%s: in-process read = %v, want %v", name, read, readInProcess)
	}
}

// A repository git found dirty is not read in-process again until its
// index changes or git finds it clean; the answer is git's throughout.
func TestDirtyHintSkipsInProcessRead(t *testing.T) {
	r := newHintRig(t)
	r.step("clean", false, true)
	gittest.WriteFile(t, r.dir, "a.txt", "changed\n")
	r.step("made dirty", true, true)
	r.step("still dirty, hinted", true, false)
	// Back to the committed bytes: the index is untouched, so the hint
	// stands, git says clean and the hint goes.
	gittest.WriteFile(t, r.dir, "a.txt", "one\n")
	r.step("reverted, hinted", false, false)
	r.step("reverted, hint gone", false, true)
	// Dirty again (an untracked file), then cleaned by removing it.
	gittest.WriteFile(t, r.dir, "new.txt", "x\n")
	r.step("untracked", true, true)
	if err := os.Remove(filepath.Join(r.dir, "new.txt")); err != nil {
		t.Fatal(err)
	}
	r.step("untracked removed, hinted", false, false)
	r.step("untracked removed", false, true)
}

// A hint is tied to the index file: git reset --hard rewrites it, so the
// stale hint is not used — even when the new index is given the old one's
// size and times back.
func TestDirtyHintStaleAfterIndexWrite(t *testing.T) {
	r := newHintRig(t)
	gittest.WriteFile(t, r.dir, "a.txt", "changed\n")
	r.step("dirty", true, true)
	index := filepath.Join(r.dir, ".git", "index")
	fi, err := os.Stat(index)
	if err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, r.dir, "reset", "-q", "--hard")
	if err := os.Chtimes(index, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	r.step("reset --hard", false, true)
	// Dirty, then staged: git add writes the index.
	gittest.WriteFile(t, r.dir, "b.txt", "changed\n")
	r.step("dirty again", true, true)
	gittest.Git(t, r.dir, "add", "b.txt")
	r.step("staged", true, true)
	r.step("staged, hinted", true, false)
	gittest.Git(t, r.dir, "commit", "-qm", "third")
	r.step("committed", false, true)
}

// A hint file of another repository (another workspace's cache, a copied
// cache directory) does not match this one's git directory and is not
// used; a hint with this repository's index but never confirmed by git
// can only send the question to git, whose answer is shown.
func TestDirtyHintForeignAndForged(t *testing.T) {
	r := newHintRig(t)
	other := newHintRigIn(t, os.Getenv("XDG_CACHE_HOME"))
	gittest.WriteFile(t, other.dir, "a.txt", "changed\n")
	other.step("other dirty", true, true)
	hints := state.OpenDirtyHints(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "mgit"))
	gitDir := filepath.Join(r.dir, ".git")
	src := hints.File(filepath.Join(other.dir, ".git"))
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("other's hint: %v", err)
	}
	if err := os.WriteFile(hints.File(gitDir), b, 0o600); err != nil {
		t.Fatal(err)
	}
	r.step("foreign hint", false, true)
	// Forged: this repository's own key, though it is clean.
	hints.Mark(gitDir, state.IndexKey(gitDir))
	r.step("forged hint", false, false)
	r.step("forged hint cleared", false, true)
}

func newHintRigIn(t *testing.T, cache string) *hintRig {
	r := newHintRig(t)
	t.Setenv("XDG_CACHE_HOME", cache)
	return r
}
