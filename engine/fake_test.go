package engine

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
)

// fakeBackend is a scriptable git.Backend. Each hook may be nil (success).
type fakeBackend struct {
	status func(ctx context.Context, dir string) (git.Status, error)
	fetch  func(ctx context.Context, dir string, opt git.FetchOptions) error
	pull   func(ctx context.Context, dir string, opt git.PullOptions) (git.PullResult, error)
	clone  func(ctx context.Context, url, dest string, opt git.CloneOptions) error
	// checkout, branches, log and changes script the branch and inspect
	// operations; nil hooks succeed (branches: only main, locally).
	checkout func(ctx context.Context, dir string, opt git.CheckoutOptions) error
	branches func(ctx context.Context, dir string) (git.Branches, error)
	log      func(ctx context.Context, dir string, n int) ([]git.Commit, error)
	changes  func(ctx context.Context, dir string) ([]git.FileChange, error)
	// localWork scripts LocalWork; nil asks the real git CLI, so tests of
	// --update-mode force see what git sees.
	localWork func(ctx context.Context, dir, fresh string) (git.LocalWork, error)

	mu    sync.Mutex
	calls map[string]int // "op dir" -> count
}

func (f *fakeBackend) record(op, dir string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op+" "+dir]++
}

func (f *fakeBackend) count(op, dir string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op+" "+dir]
}

func (f *fakeBackend) Name() string { return "fake" }

func (f *fakeBackend) Status(ctx context.Context, dir string) (git.Status, error) {
	f.record("status", dir)
	if f.status != nil {
		return f.status(ctx, dir)
	}
	return git.Status{Branch: "main", Upstream: "origin/main"}, nil
}

func (f *fakeBackend) Fetch(ctx context.Context, dir string, opt git.FetchOptions) error {
	f.record("fetch", dir)
	if f.fetch != nil {
		return f.fetch(ctx, dir, opt)
	}
	return nil
}

func (f *fakeBackend) Pull(ctx context.Context, dir string, opt git.PullOptions) (git.PullResult, error) {
	f.record("pull", dir)
	if f.pull != nil {
		return f.pull(ctx, dir, opt)
	}
	return git.PullResult{}, nil
}

func (f *fakeBackend) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	f.record("clone", dest)
	if f.clone != nil {
		return f.clone(ctx, url, dest, opt)
	}
	return nil
}

func (f *fakeBackend) Checkout(ctx context.Context, dir string, opt git.CheckoutOptions) error {
	f.record("checkout", dir)
	if f.checkout != nil {
		return f.checkout(ctx, dir, opt)
	}
	return nil
}

func (f *fakeBackend) Branches(ctx context.Context, dir string) (git.Branches, error) {
	f.record("branches", dir)
	if f.branches != nil {
		return f.branches(ctx, dir)
	}
	return git.Branches{Local: []string{"main"}, Remote: []string{"origin/main"}}, nil
}

func (f *fakeBackend) Log(ctx context.Context, dir string, n int) ([]git.Commit, error) {
	f.record("log", dir)
	if f.log != nil {
		return f.log(ctx, dir, n)
	}
	return nil, nil
}

func (f *fakeBackend) Changes(ctx context.Context, dir string) ([]git.FileChange, error) {
	f.record("changes", dir)
	if f.changes != nil {
		return f.changes(ctx, dir)
	}
	return nil, nil
}

func (f *fakeBackend) LocalWork(ctx context.Context, dir, fresh string) (git.LocalWork, error) {
	f.record("localwork", dir)
	if f.localWork != nil {
		return f.localWork(ctx, dir, fresh)
	}
	return cli.New().LocalWork(ctx, dir, fresh)
}

// nothingLocal is a localWork hook that finds nothing.
func nothingLocal(context.Context, string, string) (git.LocalWork, error) {
	return git.LocalWork{}, nil
}

// gauge tracks how many calls run at once, overall and per key.
type gauge struct {
	mu     sync.Mutex
	cur    int
	max    int
	curKey map[string]int
	maxKey map[string]int
}

func newGauge() *gauge { return &gauge{curKey: map[string]int{}, maxKey: map[string]int{}} }

func (g *gauge) enter(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cur++
	g.max = max(g.max, g.cur)
	g.curKey[key]++
	g.maxKey[key] = max(g.maxKey[key], g.curKey[key])
}

func (g *gauge) leave(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.cur--
	g.curKey[key]--
}

// transientErr is what a backend returns for a dropped connection.
func transientErr(dir string) error {
	return &git.Error{Op: "fetch", Dir: dir, Kind: git.ErrNetwork, Detail: "connection reset"}
}

func authErr(dir string) error {
	return &git.Error{Op: "fetch", Dir: dir, Kind: git.ErrAuth, Detail: "Authentication failed"}
}

// runResult is everything one run emitted.
type runResult struct {
	events   []Event
	finished map[string][]OpFinished // by repo ID
	started  map[string][]OpStarted
	summary  Summary
}

// collect reads events until the engine closes the channel (the caller
// closes it after RunFinished) and checks the invariants every stream must
// hold: Seq +1 each, per-repo order, RunFinished last.
func collect(t *testing.T, e *Engine, runID string) runResult {
	t.Helper()
	res := runResult{finished: map[string][]OpFinished{}, started: map[string][]OpStarted{}}
	timeout := time.After(30 * time.Second) // a guard against hangs, not synchronisation
	var lastSeq uint64
	phase := map[string]int{} // repo -> 0 found, 1 queued, 2 started/progress, 3 finished
	for {
		var ev Event
		select {
		case ev = <-e.Events():
		case <-timeout:
			t.Fatalf("run %s did not finish; got %d events", runID, len(res.events))
		}
		res.events = append(res.events, ev)
		m := ev.EventMeta()
		if m.RunID != runID {
			t.Fatalf("event %T of run %q, want %q", ev, m.RunID, runID)
		}
		if lastSeq != 0 && m.Seq != lastSeq+1 {
			t.Fatalf("seq %d after %d", m.Seq, lastSeq)
		}
		lastSeq = m.Seq
		if m.Time.IsZero() {
			t.Fatalf("event %T without time", ev)
		}
		switch ev := ev.(type) {
		case RepoFound:
			phase[m.RepoID] = 0
		case OpQueued:
			if p, ok := phase[m.RepoID]; !ok || p > 1 {
				t.Fatalf("OpQueued for %s in phase %d (found: %v)", m.RepoID, p, ok)
			}
			phase[m.RepoID] = 1
		case OpStarted:
			res.started[m.RepoID] = append(res.started[m.RepoID], ev)
			phase[m.RepoID] = 2
		case OpProgress:
			if phase[m.RepoID] != 2 {
				t.Fatalf("OpProgress for %s outside an operation", m.RepoID)
			}
		case OpFinished:
			res.finished[m.RepoID] = append(res.finished[m.RepoID], ev)
			phase[m.RepoID] = 3
		case RunFinished:
			res.summary = ev.Summary
			return res
		}
	}
}

// submit runs plan on a fresh engine and collects its events.
func submit(t *testing.T, cfg Config, ctx context.Context, plan Plan) runResult {
	t.Helper()
	e := New(cfg)
	id := e.Submit(ctx, plan)
	if id == "" {
		t.Fatal("empty run id")
	}
	res := collect(t, e, id)
	e.Close()
	if _, open := <-e.Events(); open {
		t.Fatal("events after RunFinished")
	}
	return res
}

func repos(n int, host string, op Op) []Job {
	var jobs []Job
	for i := range n {
		id := fmt.Sprintf("%s/r%02d", host, i)
		jobs = append(jobs, Job{Repo: Repo{ID: id, Path: "/nonexistent/" + id, Host: host}, Op: op})
	}
	return jobs
}

// counter counts calls across goroutines.
type counter struct{ n atomic.Int64 }

func (c *counter) add() int64 { return c.n.Add(1) }
