package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// fakeLister lists what repos returns for each call (numbered from 1).
type fakeLister struct {
	repos func(call int) ([]provider.Repo, error)

	mu    gosync.Mutex
	calls int
}

func (l *fakeLister) List(ctx context.Context) ([]provider.Repo, error) {
	l.mu.Lock()
	l.calls++
	n := l.calls
	l.mu.Unlock()
	return l.repos(n)
}

func listing(repos ...provider.Repo) *fakeLister {
	return &fakeLister{repos: func(int) ([]provider.Repo, error) { return repos, nil }}
}

// fakeRunner finishes every job of a plan at once, with the outcome
// outcome gives it, and records the plans.
type fakeRunner struct {
	outcome func(engine.Job) engine.Outcome
	events  chan engine.Event

	mu    gosync.Mutex
	plans []engine.Plan
}

func newFakeRunner(outcome func(engine.Job) engine.Outcome) *fakeRunner {
	if outcome == nil {
		outcome = func(engine.Job) engine.Outcome { return engine.OutcomeOK }
	}
	return &fakeRunner{outcome: outcome, events: make(chan engine.Event, 1024)}
}

func (f *fakeRunner) Submit(ctx context.Context, plan engine.Plan) string {
	f.mu.Lock()
	f.plans = append(f.plans, plan)
	f.mu.Unlock()
	var sum engine.Summary
	for _, j := range plan.Jobs {
		out := f.outcome(j)
		var err error
		switch out {
		case engine.OutcomeOK:
			sum.OK++
		case engine.OutcomeSkipped:
			sum.Skipped++
		case engine.OutcomeFailed:
			sum.Failed++
			err = errors.New("failed on purpose")
		}
		f.events <- engine.OpFinished{Meta: engine.Meta{RunID: plan.RunID, RepoID: j.Repo.ID}, Op: j.Op,
			Result: engine.Result{Outcome: out}, Err: err}
	}
	f.events <- engine.RunFinished{Meta: engine.Meta{RunID: plan.RunID}, Summary: sum}
	return plan.RunID
}

func (f *fakeRunner) Events() <-chan engine.Event { return f.events }

func (f *fakeRunner) lastPlan(t *testing.T) engine.Plan {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.plans) == 0 {
		t.Fatal("no plan submitted")
	}
	return f.plans[len(f.plans)-1]
}

// fakeHealth is Health with telemetry.Readiness's rules for liveness.
type fakeHealth struct {
	mu     gosync.Mutex
	ready  bool
	reason string
	limit  time.Duration
	last   time.Time
	sets   int
}

func (h *fakeHealth) Set(ready bool, reason string) {
	h.mu.Lock()
	h.ready, h.reason = ready, reason
	h.sets++
	h.mu.Unlock()
}

func (h *fakeHealth) ExpectProgress(limit time.Duration, now time.Time) {
	h.mu.Lock()
	h.limit, h.last = limit, now
	h.mu.Unlock()
}

func (h *fakeHealth) Beat(now time.Time) {
	h.mu.Lock()
	if now.After(h.last) {
		h.last = now
	}
	h.mu.Unlock()
}

func (h *fakeHealth) get() (bool, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ready, h.reason
}

func (h *fakeHealth) alive(now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.limit <= 0 || now.Sub(h.last) <= h.limit
}

// fakeMetrics records what the loop reports.
type fakeMetrics struct {
	mu      gosync.Mutex
	results []Result
	first   int
	repos   map[string]int
	streak  int
}

func (m *fakeMetrics) CycleFinished(r Result, _ time.Time, _ time.Duration) {
	m.mu.Lock()
	m.results = append(m.results, r)
	m.mu.Unlock()
}

func (m *fakeMetrics) FirstCycleDone() {
	m.mu.Lock()
	m.first++
	m.mu.Unlock()
}

func (m *fakeMetrics) SetRepositories(c map[string]int) {
	m.mu.Lock()
	m.repos = c
	m.mu.Unlock()
}

func (m *fakeMetrics) SetFailingStreak(n int) {
	m.mu.Lock()
	m.streak = n
	m.mu.Unlock()
}

func (m *fakeMetrics) snapshot() (results []Result, first int, repos map[string]int, streak int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Result(nil), m.results...), m.first, m.repos, m.streak
}

// repo is a listed repository "org/<name>" of provider "gh" on host
// example.test, cloned from url.
func repo(name, url string) provider.Repo {
	return provider.Repo{Provider: "gh", Host: "example.test", Org: "org", Name: name, FullName: "org/" + name, CloneURL: url}
}

// hostDest is where the tests keep r: <root>/<host>/<org>/<name>.
func hostDest(root string) func(provider.Repo) (string, error) {
	return func(r provider.Repo) (string, error) {
		return workspace.ProviderDestination(root, r.Host, r.Org, r.Name)
	}
}

// rig is a loop's configuration with fakes for everything but what a test
// sets.
type rig struct {
	cfg     Config
	health  *fakeHealth
	metrics *fakeMetrics
	logs    logBuffer
}

func newRig(t *testing.T, l Lister, eng Runner) *rig {
	t.Helper()
	root := t.TempDir()
	r := &rig{health: &fakeHealth{}, metrics: &fakeMetrics{}}
	r.cfg = Config{Root: root, Interval: time.Hour, Grace: 5 * time.Second, Once: true, RunID: "test",
		FailingStreak: 3, Lister: l, Engine: eng, Health: r.health, Metrics: r.metrics,
		Log: zerolog.New(&r.logs), Dest: hostDest(root)}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", r.logs.String())
		}
	})
	return r
}

// logBuffer is a bytes.Buffer safe for concurrent loggers.
type logBuffer struct {
	mu  gosync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func urlOf(name string) string { return fmt.Sprintf("https://example.test/org/%s.git", name) }

func pathOf(root, name string) string { return filepath.Join(root, "example.test", "org", name) }

// Exit statuses the tests below state their expectations in; app owns
// the real mapping (app/exitcode.go), the loop only reports facts.
const (
	exitOK          = 0
	exitFailed      = 1
	exitAuth        = 3
	exitInterrupted = 130
)

// exitOf stands in for the command layer's mapping of a Run's outcome to
// an exit status (app's syncExitCode), so that a test can say "a listing
// refused for its token ends in 3" in one line.
func exitOf(o Outcome) int {
	if o.Stopped {
		return exitOK
	}
	c := o.Last
	switch {
	case c.Result == ResultInterrupted:
		return exitInterrupted
	case c.ListErr != nil && c.Discovered == 0 && c.Result == ResultFailed:
		if errors.Is(c.ListErr, provider.ErrUnauthorized) {
			return exitAuth
		}
		return exitFailed
	case c.Result == ResultFailed, c.Result == ResultPartial, c.Summary.Failed > 0:
		return exitFailed
	}
	return exitOK
}
