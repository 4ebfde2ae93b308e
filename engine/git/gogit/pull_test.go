package gogit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

func pull(t *testing.T, dir string) (git.PullResult, error) {
	t.Helper()
	return gogit.New().Pull(context.Background(), dir, git.PullOptions{})
}

// porcelain is the git CLI's view of the work tree, the oracle for "nothing
// changed" and "index entries are right".
func porcelain(t *testing.T, dir string) string {
	t.Helper()
	return gittest.Git(t, dir, "status", "--porcelain=v1", "--untracked-files=all", "--ignored")
}

func TestPullFastForwardKeepsUnrelatedWork(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, work, "keep-staged.txt", "base\n", "local base")
	gittest.Git(t, work, "push", "-q")
	gittest.Git(t, seed, "pull", "-q")
	gittest.Commit(t, seed, "README.md", "upstream\n", "change readme")
	gittest.Commit(t, seed, "dir/new.txt", "new\n", "add file")
	if err := os.Chmod(filepath.Join(seed, "dir/new.txt"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, seed, "add", "dir/new.txt")
	gittest.Git(t, seed, "commit", "-q", "-m", "make executable")
	gittest.Push(t, seed)
	from := gittest.Head(t, work)

	gittest.WriteFile(t, work, "keep-staged.txt", "staged edit\n")
	gittest.Git(t, work, "add", "keep-staged.txt")
	gittest.WriteFile(t, work, "untracked.txt", "mine\n")
	gittest.WriteFile(t, work, "ignored.log", "mine\n")
	gittest.WriteFile(t, work, ".git/info/exclude", "*.log\n")
	before := porcelain(t, work)

	res, err := pull(t, work)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	if !res.Updated || res.From != from || res.To != gittest.Head(t, seed) {
		t.Fatalf("result = %+v, want updated %s -> %s", res, from, gittest.Head(t, seed))
	}
	if got := gittest.Head(t, work); got != res.To {
		t.Fatalf("HEAD = %s, want %s", got, res.To)
	}
	if got := gittest.ReadFile(t, work, "README.md"); got != "upstream\n" {
		t.Errorf("README.md = %q", got)
	}
	if fi, err := os.Stat(filepath.Join(work, "dir/new.txt")); err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Errorf("dir/new.txt not executable: %v %v", fi, err)
	}
	// Local work is exactly as it was, and git sees no other change.
	if after := porcelain(t, work); after != before {
		t.Errorf("git status changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if got := gittest.ReadFile(t, work, "keep-staged.txt"); got != "staged edit\n" {
		t.Errorf("staged file = %q", got)
	}
	if d := gittest.Git(t, work, "diff", "--cached", "--name-only"); d != "keep-staged.txt" {
		t.Errorf("staged paths = %q", d)
	}
	st := status(t, work)
	if st.Behind != 0 || st.Ahead != 0 || st.Staged != 1 || st.Untracked != 1 {
		t.Errorf("status after pull = %+v", st)
	}
}

func TestPullUpToDateAndAhead(t *testing.T) {
	_, work := cloned(t)
	res, err := pull(t, work)
	if err != nil || res.Updated || res.From != res.To || res.From == "" {
		t.Fatalf("up to date: %+v, %v", res, err)
	}
	gittest.Commit(t, work, "local.txt", "l\n", "local")
	res, err = pull(t, work)
	if err != nil || res.Updated || res.To != gittest.Head(t, work) {
		t.Fatalf("ahead: %+v, %v", res, err)
	}
}

func TestPullRefusesLocalChangesOnTouchedPaths(t *testing.T) {
	cases := map[string]func(t *testing.T, work string){
		"modified": func(t *testing.T, work string) { gittest.WriteFile(t, work, "README.md", "mine\n") },
		"staged": func(t *testing.T, work string) {
			gittest.WriteFile(t, work, "README.md", "mine\n")
			gittest.Git(t, work, "add", "README.md")
		},
		"untracked": func(t *testing.T, work string) { gittest.WriteFile(t, work, "added.txt", "mine\n") },
		"ignored": func(t *testing.T, work string) {
			gittest.WriteFile(t, work, ".git/info/exclude", "added.txt\n")
			gittest.WriteFile(t, work, "added.txt", "mine\n")
		},
		"file where a directory comes": func(t *testing.T, work string) { gittest.WriteFile(t, work, "sub", "mine\n") },
		"deleted":                      func(t *testing.T, work string) { _ = os.Remove(filepath.Join(work, "README.md")) },
	}
	for name, dirty := range cases {
		t.Run(name, func(t *testing.T) {
			_, work := touchedUpstream(t)
			dirty(t, work)
			head := gittest.Head(t, work)
			before := porcelain(t, work)
			_, err := pull(t, work)
			if !errors.Is(err, git.ErrLocalChanges) {
				t.Fatalf("err = %v, want ErrLocalChanges", err)
			}
			if gittest.Head(t, work) != head {
				t.Error("HEAD moved")
			}
			if after := porcelain(t, work); after != before {
				t.Errorf("work tree changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// touchedUpstream is cloned with three upstream commits pushed (not yet
// fetched) that change README.md and add added.txt and sub/file.txt. Tests
// get copies of one build (see gittest.CachedTree).
func touchedUpstream(t *testing.T) (seed, work string) {
	t.Helper()
	gittest.Isolate(t)
	root := gittest.CachedTree(t, "gogit touched upstream", func(t testing.TB, root string) {
		seed, _ := buildCloned(t, root)
		gittest.Commit(t, seed, "README.md", "upstream\n", "change")
		gittest.Commit(t, seed, "added.txt", "upstream\n", "add")
		gittest.Commit(t, seed, "sub/file.txt", "upstream\n", "add sub")
		gittest.Push(t, seed)
	})
	return filepath.Join(root, "seed"), filepath.Join(root, "work")
}

func TestPullRefusesConflicts(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "other.txt", "upstream\n", "change")
	gittest.Push(t, seed)
	gittest.Git(t, work, "checkout", "-q", "-b", "side")
	gittest.Commit(t, work, "README.md", "side\n", "side")
	gittest.Git(t, work, "checkout", "-q", "main")
	gittest.Commit(t, work, "README.md", "main\n", "main")
	if _, err := gittest.TryGit(work, "cherry-pick", "side"); err == nil {
		t.Fatal("cherry-pick did not conflict")
	}
	// Put the branch back on origin/main, keeping the unmerged index: the
	// pull would be a fast-forward but for the conflict.
	gittest.Git(t, work, "update-ref", "refs/heads/main", "origin/main")
	head := gittest.Head(t, work)
	_, err := pull(t, work)
	if !errors.Is(err, git.ErrLocalChanges) || gittest.Head(t, work) != head {
		t.Fatalf("err = %v (HEAD moved: %v), want ErrLocalChanges", err, gittest.Head(t, work) != head)
	}
}

func TestPullNotFastForward(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "up.txt", "u\n", "upstream")
	gittest.Push(t, seed)
	gittest.Commit(t, work, "local.txt", "l\n", "local")
	head := gittest.Head(t, work)
	before := porcelain(t, work)
	_, err := pull(t, work)
	if !errors.Is(err, git.ErrNotFastForward) {
		t.Fatalf("err = %v, want ErrNotFastForward", err)
	}
	if gittest.Head(t, work) != head || porcelain(t, work) != before {
		t.Fatal("repository changed")
	}
}

func TestPullNoUpstreamDetachedRebase(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "checkout", "-q", "-b", "topic")
	if _, err := pull(t, work); !errors.Is(err, git.ErrNoUpstream) {
		t.Errorf("no upstream: err = %v", err)
	}
	gittest.Git(t, work, "checkout", "-q", "--detach")
	if _, err := pull(t, work); !errors.Is(err, git.ErrNoUpstream) {
		t.Errorf("detached: err = %v", err)
	}
	gittest.Git(t, work, "checkout", "-q", "main")
	_, err := gogit.New().Pull(context.Background(), work, git.PullOptions{Rebase: true})
	if !errors.Is(err, git.ErrUnsupported) {
		t.Errorf("rebase: err = %v", err)
	}
}

func TestPullTreeShapeChanges(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "a/b.txt", "b\n", "dir")
	gittest.Commit(t, seed, "f", "file\n", "file")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")
	// Upstream turns directory a into a file, file f into a directory and
	// a file into a symlink.
	gittest.Git(t, seed, "rm", "-q", "-r", "a", "f")
	gittest.WriteFile(t, seed, "a", "now a file\n")
	gittest.WriteFile(t, seed, "f/inner.txt", "now a dir\n")
	if err := os.Remove(filepath.Join(seed, "README.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a", filepath.Join(seed, "README.md")); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-q", "-m", "reshape")
	gittest.Push(t, seed)

	if _, err := pull(t, work); err != nil {
		t.Fatalf("pull: %v", err)
	}
	if got := porcelain(t, work); got != "" {
		t.Errorf("git status after pull:\n%s", got)
	}
	if target, err := os.Readlink(filepath.Join(work, "README.md")); err != nil || target != "a" {
		t.Errorf("README.md symlink = %q, %v", target, err)
	}
	if got := gittest.ReadFile(t, work, "f/inner.txt"); got != "now a dir\n" {
		t.Errorf("f/inner.txt = %q", got)
	}
}

func TestPullIntoUnbornBranch(t *testing.T) {
	seed, _ := cloned(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.Git(t, dir, "remote", "add", "origin", filepath.Join(filepath.Dir(seed), "origin.git"))
	gittest.Git(t, dir, "config", "branch.main.remote", "origin")
	gittest.Git(t, dir, "config", "branch.main.merge", "refs/heads/main")
	gittest.WriteFile(t, dir, "untracked.txt", "mine\n")
	res, err := pull(t, dir)
	if err != nil || !res.Updated || res.From != "" || res.To != gittest.Head(t, seed) {
		t.Fatalf("pull = %+v, %v", res, err)
	}
	if got := porcelain(t, dir); got != "?? untracked.txt" {
		t.Errorf("git status = %q", got)
	}
}

func TestPullRefusesWhileIndexLocked(t *testing.T) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "up.txt", "u\n", "upstream")
	gittest.Push(t, seed)
	gittest.WriteFile(t, work, ".git/index.lock", "")
	head := gittest.Head(t, work)
	if _, err := pull(t, work); err == nil || gittest.Head(t, work) != head {
		t.Fatalf("pull with index.lock: err = %v, HEAD moved = %v", err, gittest.Head(t, work) != head)
	}
}
