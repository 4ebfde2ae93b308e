package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// wantHead asks git itself for the fields Status reports about HEAD.
func wantHead(t *testing.T, dir string) git.Commit {
	t.Helper()
	out := gittest.Git(t, dir, "log", "-1", "--format=%H%x00%s%x00%an%x00%at")
	f := strings.Split(out, "\x00")
	sec, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return git.Commit{SHA: f[0], Subject: f[1], Author: f[2], Time: time.Unix(sec, 0)}
}

func checkHead(t *testing.T, got git.Commit, dir string) {
	t.Helper()
	want := wantHead(t, dir)
	if got.SHA != want.SHA || got.Subject != want.Subject || got.Author != want.Author || !got.Time.Equal(want.Time) {
		t.Errorf("head = %+v, want %+v", got, want)
	}
}

// upstreamPair makes a bare upstream with one commit and a clone of it.
func upstreamPair(t *testing.T) (bare, work string) {
	t.Helper()
	root := t.TempDir()
	seed := filepath.Join(root, "seed")
	gittest.InitRepo(t, seed)
	gittest.Commit(t, seed, "a.txt", "a\n", "initial")
	bare = filepath.Join(root, "up.git")
	gittest.Git(t, "", "clone", "-q", "--bare", seed, bare)
	work = filepath.Join(root, "work")
	gittest.Clone(t, bare, work)
	return bare, work
}

func TestStatusStates(t *testing.T) {
	gittest.Isolate(t)
	ctx := context.Background()
	b := New()
	bare, work := upstreamPair(t)

	st, err := b.Status(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	if st.State() != "clean" || st.Branch != "main" || st.Upstream != "origin/main" {
		t.Errorf("fresh clone: %+v", st)
	}
	checkHead(t, st.Head, work)

	// Ahead 1, behind 2, stash 1, staged 1, unstaged 1 (the same file),
	// untracked 1.
	gittest.Commit(t, work, "local.txt", "l\n", "local work\n\nbody line")
	other := filepath.Join(t.TempDir(), "other")
	gittest.Clone(t, bare, other)
	gittest.Commit(t, other, "b.txt", "b\n", "upstream one")
	gittest.Commit(t, other, "c.txt", "c\n", "upstream two")
	gittest.Push(t, other)
	gittest.Git(t, work, "fetch", "-q")
	gittest.WriteFile(t, work, "a.txt", "stash me\n")
	gittest.Git(t, work, "stash", "-q")
	gittest.WriteFile(t, work, "a.txt", "staged\n")
	gittest.Git(t, work, "add", "a.txt")
	gittest.WriteFile(t, work, "a.txt", "staged and more\n")
	gittest.WriteFile(t, work, "new.txt", "n\n")
	st, err = b.Status(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	want := git.Status{Branch: "main", Upstream: "origin/main", Ahead: 1, Behind: 2, Staged: 1, Unstaged: 1, Untracked: 1, Stash: 1}
	st.Head = git.Commit{}
	if st != want {
		t.Errorf("status = %+v\nwant     %+v", st, want)
	}

	// Detached.
	gittest.Git(t, work, "checkout", "-q", "-f", "--detach", "HEAD~1")
	gittest.Git(t, work, "clean", "-qfd")
	st, err = b.Status(ctx, work)
	if err != nil || !st.Detached || st.Branch != "" || st.State() != "detached" {
		t.Errorf("detached: %+v, %v", st, err)
	}

	// Upstream gone: a branch tracking a ref that was pruned.
	gittest.Git(t, work, "checkout", "-q", "-b", "gone")
	gittest.Git(t, work, "config", "branch.gone.remote", "origin")
	gittest.Git(t, work, "config", "branch.gone.merge", "refs/heads/gone")
	st, err = b.Status(ctx, work)
	if err != nil || !st.UpstreamGone || st.Upstream != "origin/gone" || st.State() != "upstream-gone" {
		t.Errorf("upstream gone: %+v, %v", st, err)
	}

	// No upstream.
	gittest.Git(t, work, "checkout", "-q", "-b", "solo")
	st, err = b.Status(ctx, work)
	if err != nil || st.Upstream != "" || st.State() != "no-upstream" {
		t.Errorf("no upstream: %+v, %v", st, err)
	}
}

func TestStatusConflictAndNoCommits(t *testing.T) {
	gittest.Isolate(t)
	ctx := context.Background()
	b := New()
	dir := filepath.Join(t.TempDir(), "r")
	gittest.InitRepo(t, dir)
	gittest.WriteFile(t, dir, "x", "x\n")
	st, err := b.Status(ctx, dir)
	if err != nil || !st.NoCommits || st.Branch != "main" || st.Untracked != 1 || st.Head != (git.Commit{}) {
		t.Errorf("no commits: %+v, %v", st, err)
	}
	gittest.Commit(t, dir, "f", "base\n", "base")
	gittest.Git(t, dir, "checkout", "-q", "-b", "side")
	gittest.Commit(t, dir, "f", "side\n", "side")
	gittest.Git(t, dir, "checkout", "-q", "main")
	gittest.Commit(t, dir, "f", "main\n", "main")
	if _, err := gittest.TryGit(dir, "merge", "-q", "side"); err == nil {
		t.Fatal("merge did not conflict")
	}
	st, err = b.Status(ctx, dir)
	if err != nil || st.Conflicts != 1 || st.State() != "conflict" {
		t.Errorf("conflict: %+v, %v", st, err)
	}
}

func TestStatusNotARepository(t *testing.T) {
	gittest.Isolate(t)
	b := New()
	// A plain directory inside another repository: git must not report the
	// enclosing repository.
	outer := t.TempDir()
	gittest.InitRepo(t, outer)
	inner := filepath.Join(outer, "plain")
	if err := os.Mkdir(inner, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := b.Status(context.Background(), inner)
	if !errors.Is(err, git.ErrNotRepository) {
		t.Errorf("err = %v, want ErrNotRepository", err)
	}
	var ge *git.Error
	if !errors.As(err, &ge) || ge.Op != "status" || ge.Dir != inner {
		t.Errorf("error = %#v", err)
	}
}

// TestHeadCommitPaths checks the in-process commit reader against git for
// loose and packed objects, a linked worktree, and the fall-backs.
func TestHeadCommitPaths(t *testing.T) {
	gittest.Isolate(t)
	ctx := context.Background()
	b := New()
	dir := filepath.Join(t.TempDir(), "r")
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a", "a\n", "first")
	gittest.WriteFile(t, dir, "b", "b\n")
	gittest.Git(t, dir, "add", "b")
	gittest.GitEnv(t, dir, []string{"GIT_AUTHOR_NAME=Zoë Ünïcode", "GIT_AUTHOR_DATE=2001-02-03T04:05:06+0530"},
		"commit", "-q", "-m", "\n\n  multi line  \nsubject here\n\nbody\n")

	objects, err := gitobj.ObjectsDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	head := gittest.Head(t, dir)
	if _, err := gitobj.ReadCommit(objects, head); err != nil {
		t.Fatalf("loose read: %v", err)
	}
	st, err := b.Status(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	checkHead(t, st.Head, dir)
	if _, off := st.Head.Time.Zone(); off != 5*3600+30*60 {
		t.Errorf("zone offset = %d, want +0530", off)
	}

	gittest.Git(t, dir, "gc", "-q", "--prune=now")
	if _, err := os.Stat(filepath.Join(objects, head[:2], head[2:])); !os.IsNotExist(err) {
		t.Fatalf("object still loose after gc: %v", err)
	}
	if _, err := gitobj.ReadCommit(objects, head); err != nil {
		t.Fatalf("packed read: %v", err)
	}
	st, err = b.Status(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	checkHead(t, st.Head, dir)

	// A linked worktree: .git is a file and objects live in the common dir.
	wt := filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, dir, "worktree", "add", "-q", "-b", "wt", wt)
	wo, err := gitobj.ObjectsDir(wt)
	if err != nil || wo != objects {
		t.Errorf("worktree objects = %q, %v; want %q", wo, err, objects)
	}
	st, err = b.Status(ctx, wt)
	if err != nil || st.Branch != "wt" {
		t.Fatalf("worktree status: %+v, %v", st, err)
	}
	checkHead(t, st.Head, wt)

	// A shared clone reads HEAD through alternates: the fast path misses
	// and git cat-file answers.
	shared := filepath.Join(t.TempDir(), "shared")
	gittest.Git(t, "", "clone", "-q", "--shared", dir, shared)
	so, _ := gitobj.ObjectsDir(shared)
	if _, err := gitobj.ReadCommit(so, head); !errors.Is(err, gitobj.ErrNeedGit) {
		t.Fatalf("shared clone read: %v, want gitobj.ErrNeedGit", err)
	}
	st, err = b.Status(ctx, shared)
	if err != nil {
		t.Fatal(err)
	}
	checkHead(t, st.Head, shared)
}
