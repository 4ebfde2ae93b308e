package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestNothingToPullIsSkipped: repositories with nothing to pull into are
// skipped with the reason, by either backend, and the run exits 0; a fetch
// without a remote is skipped too, not "fetched".
func TestNothingToPullIsSkipped(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "org/app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			local := filepath.Join(root, "local")
			gittest.InitRepo(t, local)
			gittest.Commit(t, local, "a.txt", "a\n", "local")
			detached := filepath.Join(root, "detached")
			srv.CloneCreated(t, "org/app", detached)
			gittest.Git(t, detached, "checkout", "-q", "--detach")
			topic := filepath.Join(root, "topic")
			srv.CloneCreated(t, "org/app", topic)
			gittest.Git(t, topic, "checkout", "-q", "-b", "topic")
			unborn := filepath.Join(root, "unborn")
			gittest.InitRepo(t, unborn)
			gittest.Git(t, unborn, "remote", "add", "origin", srv.URL("org/app"))

			want := map[string]string{"local": "no remote", "detached": "detached HEAD",
				"topic": "no upstream", "unborn": "unborn branch (no commits yet)"}
			var jobs []Job
			for id := range want {
				jobs = append(jobs, Job{Repo: Repo{ID: id, Path: filepath.Join(root, id)}, Op: OpPull})
			}
			jobs = append(jobs, Job{Repo: Repo{ID: "local", Path: local}, Op: OpFetch})
			res := submit(t, Config{Backend: be, Retry: fastRetry}, context.Background(), Plan{Jobs: jobs})
			for id, reason := range want {
				fin := res.finished[id][0]
				if fin.Result.Outcome != OutcomeSkipped || fin.Result.Detail != reason || fin.Err != nil {
					t.Errorf("pull %s: %s %q %v, want skipped %q", id, fin.Result.Outcome, fin.Result.Detail, fin.Err, reason)
				}
			}
			if fin := res.finished["local"][1]; fin.Op != OpFetch || fin.Result.Outcome != OutcomeSkipped || fin.Result.Detail != "no remote" {
				t.Errorf("fetch without a remote: %+v %v", fin.Result, fin.Err)
			}
			if s := res.summary; s.Skipped != 5 || s.Failed != 0 || s.Interrupted {
				t.Errorf("summary %+v", s)
			}
		})
	}
}

// TestPullInUnfinishedMergeHints: a pull refused because a merge is in
// progress says how to get out of it, whichever backend refused.
func TestPullInUnfinishedMergeHints(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "org/app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "app")
			srv.Clone(t, "org/app", work)
			gittest.Commit(t, seed, "README.md", "upstream "+name+"\n", "upstream")
			gittest.Push(t, seed)
			gittest.Commit(t, work, "README.md", "local\n", "local")
			gittest.Git(t, work, "fetch", "-q")
			if _, err := gittest.TryGit(work, "merge", "origin/main"); err == nil {
				t.Fatal("merge did not conflict")
			}
			res := submit(t, Config{Backend: be, Retry: fastRetry}, context.Background(),
				Plan{Jobs: []Job{{Repo: Repo{ID: "app", Path: work}, Op: OpPull}}})
			fin := res.finished["app"][0]
			want := "resolve the conflicts or run git merge --abort in " + work
			if fin.Result.Outcome != OutcomeFailed || git.Hint(fin.Err) != want {
				t.Fatalf("pull: %s %v, hint %q, want %q", fin.Result.Outcome, fin.Err, git.Hint(fin.Err), want)
			}
		})
	}
}

// TestFailedFetchSaysFetchOnce: the layers below the engine each name the
// operation; the message names it once.
func TestFailedFetchSaysFetchOnce(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "org/app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "app")
			srv.CloneCreated(t, "org/app", work)
			srv.FailNext(1000, gittest.Fail500)
			res := submit(t, Config{Backend: be, Retry: fastRetry}, context.Background(),
				Plan{Jobs: []Job{{Repo: Repo{ID: "app", Path: work}, Op: OpFetch}}})
			srv.FailNext(0, gittest.Fail500)
			fin := res.finished["app"][0]
			if fin.Err == nil {
				t.Fatal("fetch from a failing server succeeded")
			}
			msg := fin.Err.Error()
			if !strings.HasPrefix(msg, "fetch app: ") || strings.Count(msg, "fetch") != 1 || !errors.Is(fin.Err, git.ErrNetwork) {
				t.Errorf("error %q: want one \"fetch app: \" prefix, wrapping ErrNetwork", msg)
			}
		})
	}
}

func TestTidyError(t *testing.T) {
	base := &git.Error{Op: "fetch", Kind: git.ErrNetwork, Detail: "connection reset"}
	for _, c := range []struct {
		err  error
		want string
	}{
		{wrap("fetch r: fetch: %w", base), "fetch r: network error: connection reset"},
		{wrap("status r: fetch: %w", base), "status r: fetch: network error: connection reset"},
		{wrap("pull r: %w", &git.Error{Op: "pull", Err: context.Canceled}), "pull r: cancelled"},
		{wrap("clone r: %w", context.DeadlineExceeded), "clone r: timed out"},
		{wrap("fetch r: %w", fmt.Errorf("%w (retry cancelled: %w)", base, context.Canceled)),
			"fetch r: network error: connection reset (retry cancelled)"},
	} {
		got := tidy(c.err)
		if got.Error() != c.want {
			t.Errorf("tidy(%q) = %q, want %q", c.err, got, c.want)
		}
		if !errors.Is(got, errors.Unwrap(c.err)) {
			t.Errorf("tidy(%q) lost the chain", c.err)
		}
	}
}

func wrap(format string, err error) error { return fmt.Errorf(format, err) }
