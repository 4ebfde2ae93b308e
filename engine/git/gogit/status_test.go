package gogit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// cloned makes a bare origin with one commit and a clone of it tracking
// origin/main; it returns the seed (to make upstream commits) and the clone.
func cloned(t *testing.T) (seed, work string) {
	t.Helper()
	gittest.Isolate(t)
	root := gittest.CachedTree(t, "gogit cloned", func(t testing.TB, root string) { buildCloned(t, root) })
	return filepath.Join(root, "seed"), filepath.Join(root, "work")
}

// buildCloned makes cloned's repositories under root: origin.git, seed and
// work. Tests get copies of one build (see gittest.CachedTree).
func buildCloned(t testing.TB, root string) (seed, work string) {
	t.Helper()
	bare := filepath.Join(root, "origin.git")
	gittest.Git(t, "", "init", "-q", "--bare", "-b", "main", bare)
	seed = filepath.Join(root, "seed")
	gittest.InitRepo(t, seed)
	gittest.Commit(t, seed, "README.md", "hello\n", "initial commit")
	gittest.Git(t, seed, "remote", "add", "origin", bare)
	gittest.Git(t, seed, "push", "-q", "-u", "origin", "main")
	work = filepath.Join(root, "work")
	gittest.Clone(t, bare, work)
	return seed, work
}

func status(t *testing.T, dir string) git.Status {
	t.Helper()
	st, err := gogit.New().Status(context.Background(), dir)
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	return st
}

func TestName(t *testing.T) {
	if got := gogit.New().Name(); got != "go-git" {
		t.Fatalf("Name() = %q", got)
	}
}

func TestStatusClean(t *testing.T) {
	_, work := cloned(t)
	st := status(t, work)
	if st.Branch != "main" || st.Detached || st.NoCommits {
		t.Errorf("branch = %q detached=%v nocommits=%v", st.Branch, st.Detached, st.NoCommits)
	}
	if st.Upstream != "origin/main" || st.UpstreamGone {
		t.Errorf("upstream = %q gone=%v", st.Upstream, st.UpstreamGone)
	}
	if st.State() != "clean" {
		t.Errorf("state = %q, want clean: %+v", st.State(), st)
	}
	if st.Head.SHA != gittest.Head(t, work) || st.Head.Subject != "initial commit" ||
		st.Head.Author != "Test User" || st.Head.Time.IsZero() {
		t.Errorf("head = %+v", st.Head)
	}
}

func TestStatusCounts(t *testing.T) {
	_, work := cloned(t)
	gittest.Commit(t, work, "a.txt", "a\n", "add a")
	gittest.Commit(t, work, "b.txt", "b\n", "add b")
	gittest.WriteFile(t, work, ".gitignore", "*.log\nbuild/\n")
	gittest.Git(t, work, "add", ".gitignore")           // staged (new)
	gittest.WriteFile(t, work, "a.txt", "a2\n")         // staged and unstaged
	gittest.Git(t, work, "add", "a.txt")                //
	gittest.WriteFile(t, work, "a.txt", "a3\n")         //
	gittest.WriteFile(t, work, "b.txt", "b2\n")         // unstaged
	gittest.WriteFile(t, work, "new.txt", "n\n")        // untracked
	gittest.WriteFile(t, work, "newdir/x/1.txt", "1\n") // untracked dir: one entry, as git shows it
	gittest.WriteFile(t, work, "newdir/2.txt", "2\n")   //
	gittest.WriteFile(t, work, "debug.log", "ignored\n")
	gittest.WriteFile(t, work, "build/out", "ignored\n")
	gittest.WriteFile(t, work, ".git/info/exclude", "secret.txt\n")
	gittest.WriteFile(t, work, "secret.txt", "ignored via info/exclude\n")

	st := status(t, work)
	want := git.Status{Staged: 2, Unstaged: 2, Untracked: 2}
	if st.Staged != want.Staged || st.Unstaged != want.Unstaged || st.Untracked != want.Untracked || st.Conflicts != 0 {
		t.Errorf("staged/unstaged/untracked/conflicts = %d/%d/%d/%d, want 2/2/2/0",
			st.Staged, st.Unstaged, st.Untracked, st.Conflicts)
	}
	if st.Ahead != 2 || st.Behind != 0 {
		t.Errorf("ahead/behind = %d/%d, want 2/0", st.Ahead, st.Behind)
	}
	// The git CLI agrees on the untracked count.
	out := gittest.Git(t, work, "status", "--porcelain=v2", "--untracked-files=normal")
	if n := strings.Count(out, "\n? ") + b2i(strings.HasPrefix(out, "? ")); n != st.Untracked {
		t.Errorf("git shows %d untracked, go-git backend %d:\n%s", n, st.Untracked, out)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestStatusStagedRename(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "mv", "README.md", "READ.md")
	if st := status(t, work); st.Staged != 1 || st.Unstaged != 0 || st.Untracked != 0 {
		t.Errorf("after git mv: %+v, want one staged entry as git shows", st)
	}
}

// go-git's own tree/index diff misses staged deletions and modifications
// of paths that end in a space or hold a backslash (difftest seed 126);
// git counts each.
func TestStatusStagedOddPaths(t *testing.T) {
	_, work := cloned(t)
	for _, name := range []string{"tail ", `x\y`, "keep"} {
		if err := os.WriteFile(filepath.Join(work, name), []byte(name+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Git(t, work, "add", "-A")
	gittest.Git(t, work, "commit", "-qm", "odd names")
	gittest.Git(t, work, "rm", "-q", "--cached", "tail ")
	if err := os.WriteFile(filepath.Join(work, `x\y`), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, work, "add", `x\y`)
	want := len(strings.Split(gittest.Git(t, work, "status", "--porcelain"), "\n"))
	if st := status(t, work); st.Staged != 2 || want != 3 {
		t.Errorf("staged deletion of %q and modification of %q: %+v (git lists %d entries, one untracked), want Staged 2", "tail ", `x\y`, st, want)
	}
}

// git pairs a renamed file edited past exact equality when its content is
// at least 50% similar (one staged entry), and not when it is less (two):
// difftest seed 46.
func TestStatusStagedEditedRename(t *testing.T) {
	for _, tc := range []struct {
		name, edit string
	}{
		{"similar", "one\ntwo\nthree\nfour\nFIVE\n"},
		{"dissimilar", "one\nTWO\nTHREE\nFOUR\nFIVE\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, work := cloned(t)
			write := func(name, body string) {
				if err := os.WriteFile(filepath.Join(work, name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			write("a.txt", "one\ntwo\nthree\nfour\nfive\n")
			gittest.Git(t, work, "add", "a.txt")
			gittest.Git(t, work, "commit", "-qm", "a")
			gittest.Git(t, work, "mv", "a.txt", "b.txt")
			write("b.txt", tc.edit)
			gittest.Git(t, work, "add", "b.txt")
			want := len(strings.Split(gittest.Git(t, work, "status", "--porcelain"), "\n"))
			if st := status(t, work); st.Staged != want {
				t.Errorf("staged = %d, git lists %d entries", st.Staged, want)
			}
		})
	}
}

func TestStatusAheadBehindDiverged(t *testing.T) {
	seed, work := cloned(t)
	for i := range 3 {
		gittest.Commit(t, seed, "up.txt", strings.Repeat("u", i+1), "upstream change")
	}
	gittest.Push(t, seed)
	gittest.Git(t, work, "fetch", "-q")
	st := status(t, work)
	if st.Ahead != 0 || st.Behind != 3 || st.State() != "behind" {
		t.Errorf("behind: ahead/behind = %d/%d state %q", st.Ahead, st.Behind, st.State())
	}
	gittest.Commit(t, work, "local.txt", "l\n", "local change")
	st = status(t, work)
	if st.Ahead != 1 || st.Behind != 3 || st.State() != "diverged" {
		t.Errorf("diverged: ahead/behind = %d/%d state %q", st.Ahead, st.Behind, st.State())
	}
}

func TestStatusDetached(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "checkout", "-q", "--detach")
	st := status(t, work)
	if !st.Detached || st.Branch != "" || st.Upstream != "" || st.Head.SHA == "" {
		t.Errorf("detached status = %+v", st)
	}
}

func TestStatusNoCommits(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.WriteFile(t, dir, "f.txt", "x")
	st := status(t, dir)
	if !st.NoCommits || st.Branch != "main" || st.Head != (git.Commit{}) || st.Untracked != 1 {
		t.Errorf("no-commits status = %+v", st)
	}
}

func TestStatusNoUpstreamAndGone(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "checkout", "-q", "-b", "topic")
	if st := status(t, work); st.Upstream != "" || st.State() != "no-upstream" {
		t.Errorf("no upstream: %+v", st)
	}
	gittest.Git(t, work, "push", "-q", "-u", "origin", "topic")
	if st := status(t, work); st.Upstream != "origin/topic" || st.UpstreamGone {
		t.Errorf("tracking topic: %+v", st)
	}
	gittest.Git(t, work, "push", "-q", "origin", "--delete", "topic")
	st := status(t, work)
	if st.Upstream != "origin/topic" || !st.UpstreamGone || st.State() != "upstream-gone" {
		t.Errorf("upstream gone: %+v", st)
	}
}

func TestStatusStashAndConflicts(t *testing.T) {
	_, work := cloned(t)
	gittest.WriteFile(t, work, "README.md", "one\n")
	gittest.Git(t, work, "stash", "-q")
	gittest.WriteFile(t, work, "README.md", "two\n")
	gittest.Git(t, work, "stash", "-q")
	if st := status(t, work); st.Stash != 2 || st.Dirty() {
		t.Errorf("stash: %+v", st)
	}
	// A conflicting merge leaves README.md unmerged.
	gittest.Git(t, work, "checkout", "-q", "-b", "side")
	gittest.Commit(t, work, "README.md", "side\n", "side")
	gittest.Git(t, work, "checkout", "-q", "main")
	gittest.Commit(t, work, "README.md", "main\n", "main")
	if _, err := gittest.TryGit(work, "merge", "side"); err == nil {
		t.Fatal("merge did not conflict")
	}
	st := status(t, work)
	if st.Conflicts != 1 || st.Staged != 0 || st.Unstaged != 0 || st.State() != "conflict" {
		t.Errorf("conflict: %+v", st)
	}
}

func TestStatusLinkedWorktree(t *testing.T) {
	_, work := cloned(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, work, "worktree", "add", "-q", "-b", "feature", wt)
	gittest.Git(t, work, "stash", "list") // no stash: count stays 0
	gittest.WriteFile(t, wt, "README.md", "changed\n")
	st := status(t, wt)
	if st.Branch != "feature" || st.Unstaged != 1 || st.Head.SHA != gittest.Head(t, work) {
		t.Errorf("worktree status = %+v", st)
	}
}

func TestStatusNotARepository(t *testing.T) {
	_, err := gogit.New().Status(context.Background(), t.TempDir())
	if !errors.Is(err, git.ErrNotRepository) {
		t.Fatalf("err = %v, want ErrNotRepository", err)
	}
	var ge *git.Error
	if !errors.As(err, &ge) || ge.Op != "status" {
		t.Fatalf("err = %#v, want *git.Error with Op status", err)
	}
}

func TestStatusUnsupportedRepository(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "config", "core.repositoryformatversion", "1")
	gittest.Git(t, work, "config", "extensions.worktreeConfig", "true")
	_, err := gogit.New().Status(context.Background(), work)
	if !errors.Is(err, git.ErrUnsupported) || !strings.Contains(err.Error(), "--git-backend cli") {
		t.Fatalf("worktreeConfig: err = %v", err)
	}

	_, work2 := cloned(t)
	gittest.Git(t, work2, "update-index", "--split-index")
	_, err = gogit.New().Status(context.Background(), work2)
	if !errors.Is(err, git.ErrUnsupported) || !strings.Contains(err.Error(), "--git-backend cli") {
		t.Fatalf("split index: err = %v", err)
	}
}

func TestStatusCancelled(t *testing.T) {
	_, work := cloned(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := gogit.New().Status(ctx, work)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func BenchmarkStatus(b *testing.B) {
	gittest.Isolate(b)
	dir := b.TempDir()
	gittest.InitRepo(b, dir)
	for i := range 50 {
		gittest.WriteFile(b, dir, filepath.Join("pkg", string(rune('a'+i%10)), "f"+string(rune('a'+i/10))+".go"), "package x\n")
	}
	gittest.Git(b, dir, "add", ".")
	gittest.Git(b, dir, "commit", "-q", "-m", "fixture")
	if err := os.WriteFile(filepath.Join(dir, "dirty.txt"), []byte("x"), 0o644); err != nil {
		b.Fatal(err)
	}
	be := gogit.New()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := be.Status(ctx, dir); err != nil {
			b.Fatal(err)
		}
	}
}
