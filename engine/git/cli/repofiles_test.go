package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// recorder runs real git and records each command's argv and environment.
type recorder struct {
	inner runner
	mu    sync.Mutex
	calls []command
}

func (r *recorder) run(ctx context.Context, c command) (output, error) {
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return r.inner.run(ctx, c)
}

// subcommands lists the git subcommands run since the last call.
func (r *recorder) subcommands() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s []string
	for _, c := range r.calls {
		s = append(s, c.args[0])
	}
	r.calls = nil
	return s
}

// recordingBackend is a Backend running the real git through a recorder.
func recordingBackend(t *testing.T) (*Backend, *recorder) {
	t.Helper()
	b := New()
	r, err := b.resolve()
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{inner: r}
	b.r = rec
	return b, rec
}

// seedAndClone returns a seed repository and a clone of it tracking main.
func seedAndClone(t *testing.T) (seed, work string) {
	t.Helper()
	gittest.Isolate(t)
	root := t.TempDir()
	seed = filepath.Join(root, "seed")
	gittest.InitRepo(t, seed)
	gittest.Commit(t, seed, "a.txt", "a\n", "first")
	work = filepath.Join(root, "work")
	gittest.Clone(t, seed, work)
	return seed, work
}

// agreeWithGit checks the in-process reading of HEAD and its upstream
// against git rev-parse.
func agreeWithGit(t *testing.T, dir string) {
	t.Helper()
	r, err := findRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	branch, sha, err := readHead(r)
	if err != nil {
		t.Fatal(err)
	}
	if want := gittest.Git(t, dir, "rev-parse", "HEAD"); sha != want {
		t.Errorf("HEAD = %s, git says %s", sha, want)
	}
	if want := gittest.Git(t, dir, "rev-parse", "--abbrev-ref", "HEAD"); branch != want {
		t.Errorf("branch = %q, git says %q", branch, want)
	}
	cfg, err := loadConfig(r, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	ref, err := cfg.upstreamRef(branch)
	if err != nil {
		t.Fatal(err)
	}
	if want := gittest.Git(t, dir, "rev-parse", "--symbolic-full-name", "@{upstream}"); ref != want {
		t.Errorf("upstream ref = %s, git says %s", ref, want)
	}
	up, found, err := readRef(r, ref)
	if err != nil || !found {
		t.Fatalf("read %s: found=%v, %v", ref, found, err)
	}
	if want := gittest.Git(t, dir, "rev-parse", "@{upstream}"); up != want {
		t.Errorf("upstream = %s, git says %s", up, want)
	}
}

func TestReadLooseAndPackedRefs(t *testing.T) {
	seed, work := seedAndClone(t)
	gittest.Commit(t, work, "b.txt", "b\n", "local")
	// Loose: refs/heads/main is a file after the commit; the clone packed
	// refs/remotes/origin/main.
	if _, err := os.Stat(filepath.Join(work, ".git", "refs", "heads", "main")); err != nil {
		t.Fatalf("fixture: no loose main: %v", err)
	}
	agreeWithGit(t, work)

	// Packed: everything in packed-refs, loose files gone.
	gittest.Commit(t, seed, "c.txt", "c\n", "upstream")
	gittest.Git(t, work, "fetch", "-q")
	gittest.Git(t, work, "pack-refs", "--all", "--prune")
	if _, err := os.Stat(filepath.Join(work, ".git", "refs", "heads", "main")); err == nil {
		t.Fatal("fixture: main still loose after pack-refs")
	}
	agreeWithGit(t, work)

	// A loose file wins over a stale packed-refs line, as in git.
	gittest.Commit(t, work, "d.txt", "d\n", "after packing")
	agreeWithGit(t, work)
}

func TestReadDetachedAndUnborn(t *testing.T) {
	_, work := seedAndClone(t)
	gittest.Git(t, work, "checkout", "-q", "--detach")
	r, err := findRepo(work)
	if err != nil {
		t.Fatal(err)
	}
	branch, sha, err := readHead(r)
	if err != nil || branch != "" || sha != gittest.Head(t, work) {
		t.Errorf("detached: branch=%q sha=%s err=%v, want HEAD %s", branch, sha, err, gittest.Head(t, work))
	}
	gittest.Git(t, work, "checkout", "-q", "--orphan", "fresh")
	branch, sha, err = readHead(r)
	if err != nil || branch != "fresh" || sha != "" {
		t.Errorf("unborn: branch=%q sha=%q err=%v", branch, sha, err)
	}
}

func TestReadWorktree(t *testing.T) {
	_, work := seedAndClone(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, work, "worktree", "add", "-q", "--track", "-b", "feature", wt, "origin/main")
	gittest.Commit(t, wt, "w.txt", "w\n", "in the worktree")
	r, err := findRepo(wt)
	if err != nil {
		t.Fatal(err)
	}
	if r.GitDir == r.CommonDir {
		t.Fatalf("worktree gitdir and commondir are the same: %s", r.GitDir)
	}
	agreeWithGit(t, wt)
	agreeWithGit(t, work) // the main work tree's HEAD is its own
}

func TestReaderDoubts(t *testing.T) {
	_, work := seedAndClone(t)
	r, err := findRepo(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
		env   []string
	}{
		{"custom refspec", func(t *testing.T) {
			gittest.Git(t, work, "config", "--add", "remote.origin.fetch", "+refs/pull/*:refs/remotes/origin/pr/*")
		}, nil},
		{"renamed tracking namespace", func(t *testing.T) {
			gittest.Git(t, work, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/mirror/*")
		}, nil},
		{"no upstream", func(t *testing.T) { gittest.Git(t, work, "config", "--unset", "branch.main.merge") }, nil},
		{"local upstream", func(t *testing.T) { gittest.Git(t, work, "config", "branch.main.remote", ".") }, nil},
		{"include only git evaluates", func(t *testing.T) {
			gittest.Git(t, work, "config", "includeIf.hasconfig:remote.*.url:https://**.path", "/dev/null")
		}, nil},
		{"extensions", func(t *testing.T) { gittest.Git(t, work, "config", "extensions.worktreeConfig", "true") }, nil},
		// git reads GIT_CONFIG_COUNT pairs after every file: a refspec
		// there changes the answer, so it must be seen.
		{"config in the environment", func(*testing.T) {}, []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=remote.origin.fetch", "GIT_CONFIG_VALUE_0=+refs/tags/*:refs/tags/*"}},
		{"GIT_CONFIG_PARAMETERS", func(*testing.T) {}, []string{"GIT_CONFIG_PARAMETERS='a.b'='c'"}},
		{"global refspec", func(t *testing.T) {
			gittest.Git(t, "", "config", "--global", "remote.origin.fetch", "+refs/tags/*:refs/tags/*")
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgPath := filepath.Join(work, ".git", "config")
			saved, err := os.ReadFile(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			global := os.Getenv("GIT_CONFIG_GLOBAL")
			savedGlobal, err := os.ReadFile(global)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				_ = os.WriteFile(cfgPath, saved, 0o644)
				_ = os.WriteFile(global, savedGlobal, 0o600)
			}()
			tc.setup(t)
			env := append(os.Environ(), tc.env...)
			cfg, err := loadConfig(r, env)
			if err == nil {
				_, err = cfg.upstreamRef("main")
			}
			if !errors.Is(err, errDoubt) {
				t.Errorf("err = %v, want errDoubt", err)
			}
		})
	}
}

func TestRefNamesStayInside(t *testing.T) {
	_, work := seedAndClone(t)
	r, err := findRepo(work)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"refs/heads/../../HEAD", "refs/remotes//x", "refs/tags/v1", "HEAD"} {
		if _, _, err := readRef(r, ref); !errors.Is(err, errDoubt) {
			t.Errorf("readRef(%q) = %v, want errDoubt", ref, err)
		}
	}
}

// TestPullInProcess: an ordinary pull starts fetch, the two processes of
// ignoredInTheWay (diff-tree; ls-files only when upstream adds files) and
// merge, and gives the same result as before.
func TestPullInProcess(t *testing.T) {
	seed, work := seedAndClone(t)
	b, rec := recordingBackend(t)
	ctx := context.Background()
	from := gittest.Head(t, work)
	to := gittest.Commit(t, seed, "n.txt", "n\n", "upstream change")
	res, err := b.Pull(ctx, work, git.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res != (git.PullResult{Updated: true, From: from, To: to}) {
		t.Errorf("pull = %+v, want %s..%s", res, from, to)
	}
	if got := rec.subcommands(); !slices.Equal(got, []string{"fetch", "diff-tree", "ls-files", "merge"}) {
		t.Errorf("processes: %q, want fetch, diff-tree, ls-files, merge", got)
	}
	// Nothing new: one process.
	res, err = b.Pull(ctx, work, git.PullOptions{})
	if err != nil || res != (git.PullResult{From: to, To: to}) {
		t.Errorf("second pull = %+v, %v", res, err)
	}
	if got := rec.subcommands(); !slices.Equal(got, []string{"fetch"}) {
		t.Errorf("processes: %q, want fetch", got)
	}
	// Local commits ahead of the upstream: merge says "up to date" and
	// HEAD stays where it is.
	ahead := gittest.Commit(t, work, "l.txt", "l\n", "local")
	res, err = b.Pull(ctx, work, git.PullOptions{})
	if err != nil || res != (git.PullResult{From: ahead, To: ahead}) {
		t.Errorf("pull while ahead = %+v, %v", res, err)
	}
	if got := rec.subcommands(); !slices.Equal(got, []string{"fetch", "diff-tree", "merge"}) {
		t.Errorf("processes: %q, want fetch, diff-tree, merge", got)
	}
}

// TestPullFallsBackToGit: with a custom refspec the in-process reader
// steps aside and git rev-parse answers, with the same result.
func TestPullFallsBackToGit(t *testing.T) {
	seed, work := seedAndClone(t)
	gittest.Git(t, work, "config", "--add", "remote.origin.fetch", "+refs/tags/*:refs/tags/*")
	b, rec := recordingBackend(t)
	from := gittest.Head(t, work)
	to := gittest.Commit(t, seed, "n.txt", "n\n", "upstream change")
	res, err := b.Pull(context.Background(), work, git.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res != (git.PullResult{Updated: true, From: from, To: to}) {
		t.Errorf("pull = %+v, want %s..%s", res, from, to)
	}
	want := []string{"rev-parse", "fetch", "rev-parse", "diff-tree", "ls-files", "merge", "rev-parse"}
	if got := rec.subcommands(); !slices.Equal(got, want) {
		t.Errorf("processes: %q, want %q", got, want)
	}
}

// TestPullUpstreamGoneInProcess: an upstream branch missing after the
// fetch is ErrNoUpstream, "gone", without asking git, and HEAD is as it
// was.
func TestPullUpstreamGoneInProcess(t *testing.T) {
	_, work := seedAndClone(t)
	gittest.Git(t, work, "checkout", "-q", "-b", "gone")
	gittest.Git(t, work, "config", "branch.gone.remote", "origin")
	gittest.Git(t, work, "config", "branch.gone.merge", "refs/heads/gone")
	before := gittest.Head(t, work)
	b, rec := recordingBackend(t)
	_, err := b.Pull(context.Background(), work, git.PullOptions{})
	if !errors.Is(err, git.ErrNoUpstream) || !strings.Contains(err.Error(), "gone") {
		t.Errorf("err = %v, want ErrNoUpstream saying gone", err)
	}
	if got := rec.subcommands(); !slices.Equal(got, []string{"fetch"}) {
		t.Errorf("processes: %q, want fetch", got)
	}
	if gittest.Head(t, work) != before {
		t.Error("HEAD moved")
	}
}

func TestPullWorktreeInProcess(t *testing.T) {
	seed, work := seedAndClone(t)
	wt := filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, work, "worktree", "add", "-q", "--track", "-b", "feature", wt, "origin/main")
	from := gittest.Head(t, wt)
	to := gittest.Commit(t, seed, "n.txt", "n\n", "upstream change")
	b, rec := recordingBackend(t)
	res, err := b.Pull(context.Background(), wt, git.PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res != (git.PullResult{Updated: true, From: from, To: to}) {
		t.Errorf("pull = %+v, want %s..%s", res, from, to)
	}
	// diff-tree and ls-files: upstream adds a file, so ignoredInTheWay
	// asks whether an ignored file stands there.
	if got := rec.subcommands(); !slices.Equal(got, []string{"fetch", "diff-tree", "ls-files", "merge"}) {
		t.Errorf("processes: %q, want fetch, diff-tree, ls-files, merge", got)
	}
	if got := gittest.Git(t, work, "rev-parse", "HEAD"); got != from {
		t.Errorf("the main work tree's HEAD moved to %s", got)
	}
}

func TestGitInt(t *testing.T) {
	for in, want := range map[string]int64{"6700": 6700, "0": 0, "-1": -1, "2k": 2048, "1M": 1 << 20, " 50": 50, "0x10": 16} {
		if got, ok := gitInt(in); !ok || got != want {
			t.Errorf("gitInt(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "lots", "5x", "k", " 50 "} { // git: " 50 " has an invalid unit
		if _, ok := gitInt(in); ok {
			t.Errorf("gitInt(%q) accepted", in)
		}
	}
}
