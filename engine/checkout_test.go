package engine

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// branchWorld is a fake backend whose repositories differ in what they
// know of branch "feature": by path suffix, /local has it, /remote has it
// on origin only, /none lacks it, /on is on it, /dirty lacks it and has
// local changes.
func branchWorld() (*fakeBackend, *[]git.CheckoutOptions) {
	var mu sync.Mutex
	var calls []git.CheckoutOptions
	fb := &fakeBackend{
		status: func(_ context.Context, dir string) (git.Status, error) {
			st := git.Status{Branch: "main", Upstream: "origin/main"}
			switch {
			case strings.HasSuffix(dir, "/on"):
				st.Branch = "feature"
			case strings.HasSuffix(dir, "/dirty"):
				st.Unstaged = 2
			}
			return st, nil
		},
		branches: func(_ context.Context, dir string) (git.Branches, error) {
			br := git.Branches{Local: []string{"main"}, Remote: []string{"origin/main"}}
			switch {
			case strings.HasSuffix(dir, "/local"):
				br.Local = append(br.Local, "feature")
			case strings.HasSuffix(dir, "/remote"):
				br.Remote = append(br.Remote, "origin/feature")
			}
			return br, nil
		},
		checkout: func(_ context.Context, dir string, opt git.CheckoutOptions) error {
			mu.Lock()
			calls = append(calls, opt)
			mu.Unlock()
			if strings.HasSuffix(dir, "/dirty") {
				return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrLocalChanges, Detail: "would be overwritten"}
			}
			return nil
		},
	}
	return fb, &calls
}

func branchJobs(names ...string) []Job {
	var jobs []Job
	for _, n := range names {
		jobs = append(jobs, Job{Repo: Repo{ID: n, Path: "/nonexistent/" + n}, Op: OpCheckout})
	}
	return jobs
}

func TestCheckoutDryRunPreviewsWithoutChanging(t *testing.T) {
	fb, calls := branchWorld()
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{
		Jobs:    branchJobs("local", "remote", "none", "on", "dirty"),
		Options: Options{Branch: "feature", CreateBranch: true, DryRun: true},
	})
	want := map[string]CheckoutAction{
		"local": CheckoutSwitch, "remote": CheckoutTrack, "none": CheckoutCreate,
		"on": CheckoutCurrent,
	}
	for id, a := range want {
		f := res.finished[id][0]
		if f.Result.Checkout != a || f.Err != nil || f.Result.Status == nil {
			t.Errorf("%s: action %q err %v status %v, want %q", id, f.Result.Checkout, f.Err, f.Result.Status, a)
		}
	}
	if d := res.finished["remote"][0].Result.Detail; d != "dry run: would create feature tracking origin/feature" {
		t.Errorf("remote detail %q", d)
	}
	// The backend's dry run refuses where the checkout would: the
	// preview says so instead of "would create".
	f := res.finished["dirty"][0]
	if !f.Result.Status.Dirty() || !errors.Is(f.Err, git.ErrLocalChanges) || f.Result.Outcome != OutcomeFailed {
		t.Errorf("dirty: %+v %v, want failed for local changes with its status", f.Result, f.Err)
	}
	for _, c := range *calls {
		if !c.DryRun {
			t.Fatalf("dry run asked for a real checkout: %+v", c)
		}
	}
	if len(*calls) != 4 {
		t.Errorf("dry run asked the backend %d times, want 4 (all but the one already on it)", len(*calls))
	}
	if res.summary.Skipped != 3 || res.summary.OK != 1 || res.summary.Failed != 1 {
		t.Errorf("summary %+v, want 3 skipped (dry run), 1 ok (already on it), 1 failed (dirty)", res.summary)
	}
}

func TestCheckoutRunsWhatThePreviewSaid(t *testing.T) {
	fb, calls := branchWorld()
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{
		Jobs:    branchJobs("local", "remote", "none", "dirty"),
		Options: Options{Branch: "feature", CreateBranch: true},
	})
	got := map[git.CheckoutOptions]bool{}
	for _, c := range *calls {
		got[c] = true
	}
	for _, c := range []git.CheckoutOptions{
		{Branch: "feature"},
		{Branch: "feature", Create: true, StartPoint: "origin/feature"},
		{Branch: "feature", Create: true, StartPoint: "HEAD"},
	} {
		if !got[c] {
			t.Errorf("no Checkout(%+v) among %+v", c, *calls)
		}
	}
	if f := res.finished["remote"][0]; f.Result.Outcome != OutcomeOK || f.Result.Detail != "created feature tracking origin/feature" || f.Result.Status == nil {
		t.Errorf("remote: %+v", f.Result)
	}
	f := res.finished["dirty"][0]
	if f.Result.Outcome != OutcomeFailed || !errors.Is(f.Err, git.ErrLocalChanges) || f.Result.Status == nil {
		t.Errorf("dirty: outcome %s err %v status %v; want failed with local changes and the status", f.Result.Outcome, f.Err, f.Result.Status)
	}
	if res.summary.OK != 3 || res.summary.Failed != 1 {
		t.Errorf("summary %+v", res.summary)
	}
}

func TestCheckoutMissingBranchWithoutCreate(t *testing.T) {
	fb, calls := branchWorld()
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{
		Jobs: branchJobs("none", "remote"), Options: Options{Branch: "feature"},
	})
	if f := res.finished["none"][0]; !errors.Is(f.Err, git.ErrNoSuchBranch) || f.Result.Checkout != CheckoutMissing {
		t.Errorf("none: %v %q, want no such branch", f.Err, f.Result.Checkout)
	}
	// Like git switch, a branch on the remote is checked out tracking it.
	if f := res.finished["remote"][0]; f.Err != nil || f.Result.Checkout != CheckoutTrack {
		t.Errorf("remote: %v %q", f.Err, f.Result.Checkout)
	}
	if len(*calls) != 1 {
		t.Errorf("Checkout calls %+v, want only the remote one", *calls)
	}
}

// TestCheckoutUnbornHeadRefusedAlike: creating a branch from HEAD in a
// repository without commits fails in the dry run exactly as in the real
// checkout, without asking the backend (git switch -c NAME HEAD fails).
func TestCheckoutUnbornHeadRefusedAlike(t *testing.T) {
	for _, dry := range []bool{true, false} {
		fb, calls := branchWorld()
		fb.status = func(context.Context, string) (git.Status, error) {
			return git.Status{Branch: "main", NoCommits: true}, nil
		}
		fb.branches = func(context.Context, string) (git.Branches, error) { return git.Branches{}, nil }
		res := submit(t, Config{Backend: fb}, context.Background(), Plan{
			Jobs: branchJobs("empty"), Options: Options{Branch: "feature", CreateBranch: true, DryRun: dry},
		})
		f := res.finished["empty"][0]
		if !errors.Is(f.Err, git.ErrNoCommits) || f.Result.Outcome != OutcomeFailed || f.Result.Checkout != CheckoutCreate {
			t.Errorf("dry run %v: %+v %v, want failed: no commits", dry, f.Result, f.Err)
		}
		if len(*calls) != 0 {
			t.Errorf("dry run %v: backend asked %+v", dry, *calls)
		}
	}
}

func TestCheckoutRejectsBadNameBeforeGit(t *testing.T) {
	fb, _ := branchWorld()
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{
		Jobs: branchJobs("local"), Options: Options{Branch: "--force", CreateBranch: true},
	})
	if f := res.finished["local"][0]; f.Err == nil || f.Result.Outcome != OutcomeFailed {
		t.Fatalf("bad name: %+v %v", f.Result, f.Err)
	}
	if n := fb.count("status", "/nonexistent/local"); n != 0 {
		t.Errorf("backend called %d times for an invalid name", n)
	}
}

func TestInspectReadsLogAndChanges(t *testing.T) {
	var gotN atomic.Int64
	fb := &fakeBackend{
		status: func(_ context.Context, dir string) (git.Status, error) {
			if strings.HasSuffix(dir, "/dirty") {
				return git.Status{Branch: "main", Untracked: 1}, nil
			}
			return git.Status{Branch: "main"}, nil
		},
		log: func(_ context.Context, _ string, n int) ([]git.Commit, error) {
			gotN.Store(int64(n))
			return []git.Commit{{SHA: "b", Subject: "second"}, {SHA: "a", Subject: "first"}}, nil
		},
		changes: func(context.Context, string) ([]git.FileChange, error) {
			return []git.FileChange{{Path: "new.txt", Untracked: true}}, nil
		},
	}
	jobs := []Job{
		{Repo: Repo{ID: "dirty", Path: "/nonexistent/dirty"}, Op: OpInspect},
		{Repo: Repo{ID: "clean", Path: "/nonexistent/clean"}, Op: OpInspect},
	}
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: jobs})
	d := res.finished["dirty"][0].Result
	if len(d.Commits) != 2 || d.Commits[0].Subject != "second" || len(d.Changes) != 1 || d.Status == nil {
		t.Errorf("dirty inspect: %+v", d)
	}
	if n := gotN.Load(); n != 10 {
		t.Errorf("log limit %d, want the default 10", n)
	}
	if fb.count("changes", "/nonexistent/clean") != 0 {
		t.Error("changes read for a clean repository")
	}
	if c := res.finished["clean"][0].Result; len(c.Changes) != 0 || len(c.Commits) != 2 {
		t.Errorf("clean inspect: %+v", c)
	}
	e := New(Config{Backend: fb})
	defer e.Close()
	r := newRun(e, context.Background(), "x", Plan{})
	if r.poolFor(OpCheckout) != e.disk || r.poolFor(OpInspect) != e.disk {
		t.Error("checkout and inspect must run in the disk pool")
	}
}
