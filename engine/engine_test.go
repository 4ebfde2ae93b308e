package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
)

var fastRetry = RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond}

func TestNetworkPoolAndPerHostLimits(t *testing.T) {
	const netLimit, perHost = 3, 2
	g := newGauge()
	entered := make(chan string, 100)
	gate := make(chan struct{})
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, _ git.FetchOptions) error {
		host := strings.Split(strings.TrimPrefix(dir, "/nonexistent/"), "/")[0]
		g.enter(host)
		defer g.leave(host)
		entered <- host
		<-gate
		return nil
	}}
	var jobs []Job
	for _, h := range []string{"a.example", "b.example", "c.example", "d.example"} {
		jobs = append(jobs, repos(4, h, OpFetch)...)
	}
	e := New(Config{Backend: fb, NetworkConcurrency: netLimit, PerHost: perHost})
	id := e.Submit(context.Background(), Plan{Jobs: jobs})
	done := make(chan runResult)
	go func() { done <- collect(t, e, id) }()
	// The pool fills to its limit and no further while nothing finishes.
	for range netLimit {
		<-entered
	}
	g.mu.Lock()
	cur := g.cur
	g.mu.Unlock()
	close(gate)
	res := <-done
	e.Close()
	if cur != netLimit || g.max != netLimit {
		t.Fatalf("concurrency %d (max %d), want %d", cur, g.max, netLimit)
	}
	for h, m := range g.maxKey {
		if m > perHost {
			t.Errorf("host %s ran %d at once, limit %d", h, m, perHost)
		}
	}
	if res.summary.OK != 16 || res.summary.Failed != 0 || res.summary.Interrupted {
		t.Fatalf("summary %+v", res.summary)
	}
	for _, fins := range res.finished {
		if fins[0].Result.Detail != "fetched" || fins[0].Result.Status == nil {
			t.Fatalf("fetch result %+v", fins[0].Result)
		}
	}
}

func TestPerHostDoesNotBlockOtherHosts(t *testing.T) {
	// One host's jobs wait on its limit; another host's job behind them in
	// the plan still starts.
	entered := make(chan string, 10)
	gate := make(chan struct{})
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, _ git.FetchOptions) error {
		entered <- dir
		if strings.Contains(dir, "slow.example") {
			<-gate
		}
		return nil
	}}
	jobs := append(repos(3, "slow.example", OpFetch), repos(1, "fast.example", OpFetch)...)
	e := New(Config{Backend: fb, NetworkConcurrency: 4, PerHost: 1})
	id := e.Submit(context.Background(), Plan{Jobs: jobs})
	done := make(chan runResult)
	go func() { done <- collect(t, e, id) }()
	seen := map[string]bool{}
	for len(seen) < 2 {
		seen[<-entered] = true
	}
	if !seen["/nonexistent/fast.example/r00"] {
		t.Fatalf("fast host blocked behind slow host: %v", seen)
	}
	close(gate)
	<-done
	e.Close()
}

func TestDiskPoolLimit(t *testing.T) {
	const limit = 2
	g := newGauge()
	entered := make(chan struct{}, 100)
	gate := make(chan struct{})
	fb := &fakeBackend{status: func(ctx context.Context, dir string) (git.Status, error) {
		g.enter("")
		defer g.leave("")
		entered <- struct{}{}
		<-gate
		return git.Status{Branch: "main", Staged: 1}, nil
	}}
	e := New(Config{Backend: fb, DiskConcurrency: limit, NetworkConcurrency: 10})
	id := e.Submit(context.Background(), Plan{Jobs: repos(8, "", OpStatus)})
	done := make(chan runResult)
	go func() { done <- collect(t, e, id) }()
	for range limit {
		<-entered
	}
	close(gate)
	res := <-done
	e.Close()
	if g.max != limit {
		t.Fatalf("max concurrent status %d, want %d", g.max, limit)
	}
	for _, fins := range res.finished {
		if st := fins[0].Result.Status; st == nil || st.Staged != 1 {
			t.Fatalf("status not carried: %+v", fins[0].Result)
		}
	}
}

func TestRetries(t *testing.T) {
	var flaky counter
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, _ git.FetchOptions) error {
		switch {
		case strings.HasSuffix(dir, "flaky/r00"):
			if flaky.add() <= 2 {
				return transientErr(dir)
			}
			return nil
		case strings.HasSuffix(dir, "down/r00"):
			return transientErr(dir)
		case strings.HasSuffix(dir, "auth/r00"):
			return authErr(dir)
		case strings.HasSuffix(dir, "gone/r00"):
			return &git.Error{Op: "fetch", Kind: git.ErrRepoNotFound}
		}
		return nil
	}}
	var jobs []Job
	for _, h := range []string{"flaky", "down", "auth", "gone"} {
		jobs = append(jobs, repos(1, h, OpFetch)...)
	}
	res := submit(t, Config{Backend: fb, Retry: fastRetry}, context.Background(), Plan{Jobs: jobs})
	check := func(repo string, outcome Outcome, attempts int) {
		t.Helper()
		fin := res.finished[repo][0]
		if fin.Result.Outcome != outcome || fin.Result.Attempts != attempts {
			t.Errorf("%s: outcome %s attempts %d (err %v), want %s %d", repo, fin.Result.Outcome, fin.Result.Attempts, fin.Err, outcome, attempts)
		}
		if got := len(res.started[repo]); got != attempts {
			t.Errorf("%s: %d OpStarted, want %d", repo, got, attempts)
		}
		for i, s := range res.started[repo] {
			if s.Attempt != i+1 {
				t.Errorf("%s: OpStarted attempt %d at position %d", repo, s.Attempt, i)
			}
		}
	}
	check("flaky/r00", OutcomeOK, 3)
	check("down/r00", OutcomeFailed, 3)
	check("auth/r00", OutcomeFailed, 1)
	check("gone/r00", OutcomeFailed, 1)
	if fb.count("fetch", "/nonexistent/auth/r00") != 1 {
		t.Error("auth failure was retried")
	}
	if !errors.Is(res.finished["auth/r00"][0].Err, git.ErrAuth) {
		t.Errorf("auth error not classified: %v", res.finished["auth/r00"][0].Err)
	}
	s := res.summary
	if s.OK != 1 || s.Failed != 3 || s.AuthFailed != 1 || s.Interrupted {
		t.Fatalf("summary %+v", s)
	}
}

func TestOnlyAuthFailuresExitThree(t *testing.T) {
	fb := &fakeBackend{pull: func(ctx context.Context, dir string, _ git.PullOptions) (git.PullResult, error) {
		return git.PullResult{}, authErr(dir)
	}}
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: repos(2, "h", OpPull)})
	if res.summary.AuthFailed != 2 || res.summary.Failed != 2 {
		t.Fatalf("summary %+v", res.summary)
	}
}

func TestPullDetailAndCredentials(t *testing.T) {
	fb := &fakeBackend{pull: func(ctx context.Context, dir string, opt git.PullOptions) (git.PullResult, error) {
		if opt.Auth.Password != "tok-"+"h1" {
			return git.PullResult{}, authErr(dir)
		}
		if strings.HasSuffix(dir, "r01") {
			return git.PullResult{}, nil
		}
		return git.PullResult{Updated: true, From: "1234567890abcdef", To: "fedcba0987654321"}, nil
	}}
	res := submit(t, Config{Backend: fb, Credentials: credsByHost{}}, context.Background(), Plan{Jobs: repos(2, "h1", OpPull)})
	if d := res.finished["h1/r00"][0].Result.Detail; d != "fast-forwarded 1234567..fedcba0" {
		t.Errorf("detail %q", d)
	}
	if d := res.finished["h1/r01"][0].Result.Detail; d != "up to date" {
		t.Errorf("detail %q", d)
	}
}

type credsByHost struct{}

func (credsByHost) Credentials(host string) (git.Credentials, bool) {
	return git.Credentials{Username: "x", Password: "tok-" + host}, true
}

func TestEventStreamOrderAcrossRuns(t *testing.T) {
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, opt git.FetchOptions) error {
		for i := range 50 {
			opt.Progress(git.Progress{Phase: "Receiving objects", Current: int64(i), Total: 50})
		}
		return nil
	}}
	e := New(Config{Backend: fb, EventBuffer: 4})
	// Two runs at once share one stream; Seq still rises by one per event.
	id1 := e.Submit(context.Background(), Plan{Jobs: repos(20, "a", OpFetch)})
	id2 := e.Submit(context.Background(), Plan{Jobs: repos(20, "b", OpStatus)})
	finished := map[string]bool{}
	perRepo := map[string][]string{}
	var last uint64
	for ev := range drainUntil(e, 2) {
		m := ev.EventMeta()
		if m.Seq != last+1 {
			t.Fatalf("seq %d after %d", m.Seq, last)
		}
		last = m.Seq
		if finished[m.RunID] {
			t.Fatalf("event %T after RunFinished of %s", ev, m.RunID)
		}
		switch ev.(type) {
		case RunFinished:
			finished[m.RunID] = true
		case OpProgress, NetworkLimit:
		default:
			perRepo[m.RepoID] = append(perRepo[m.RepoID], strings.TrimPrefix(typeName(ev), "engine."))
		}
	}
	if !finished[id1] || !finished[id2] {
		t.Fatal("a run did not finish")
	}
	for repo, seq := range perRepo {
		if got := strings.Join(seq, ","); got != "RepoFound,OpQueued,OpStarted,OpFinished" {
			t.Errorf("%s: %s", repo, got)
		}
	}
}

func typeName(ev Event) string {
	switch ev.(type) {
	case RepoFound:
		return "RepoFound"
	case OpQueued:
		return "OpQueued"
	case OpStarted:
		return "OpStarted"
	case OpFinished:
		return "OpFinished"
	}
	return "other"
}

// drainUntil yields events until runs RunFinished events were seen, then
// closes the engine.
func drainUntil(e *Engine, runs int) func(yield func(Event) bool) {
	return func(yield func(Event) bool) {
		seen := 0
		for seen < runs {
			ev := <-e.Events()
			if _, ok := ev.(RunFinished); ok {
				seen++
			}
			if !yield(ev) {
				return
			}
		}
		e.Close()
	}
}

func TestProgressIsRateLimited(t *testing.T) {
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, opt git.FetchOptions) error {
		for i := range 100000 {
			opt.Progress(git.Progress{Phase: "Receiving objects", Current: int64(i)})
		}
		return nil
	}}
	start := time.Now()
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: repos(1, "h", OpFetch)})
	n := 0
	for _, ev := range res.events {
		if _, ok := ev.(OpProgress); ok {
			n++
		}
	}
	if limit := 2 + int(time.Since(start)/(100*time.Millisecond)); n < 1 || n > limit {
		t.Fatalf("%d progress events, want 1..%d", n, limit)
	}
}

func TestSameRepoJobsRunInOrder(t *testing.T) {
	fb := &fakeBackend{}
	repo := Repo{ID: "r", Path: "/nonexistent/r"}
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: []Job{
		{Repo: repo, Op: OpFetch}, {Repo: repo, Op: OpStatus},
	}})
	f := res.finished["r"]
	if len(f) != 2 || f[0].Op != OpFetch || f[1].Op != OpStatus {
		t.Fatalf("finished %+v", f)
	}
	found := 0
	for _, ev := range res.events {
		if _, ok := ev.(RepoFound); ok {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("%d RepoFound for one repository", found)
	}
}

func TestCancelStopsRun(t *testing.T) {
	const limit = 2
	entered := make(chan struct{}, 10)
	sawCancel := make(chan struct{}, 10)
	fb := &fakeBackend{status: func(ctx context.Context, dir string) (git.Status, error) {
		entered <- struct{}{}
		<-ctx.Done()
		sawCancel <- struct{}{}
		return git.Status{}, &git.Error{Op: "status", Err: ctx.Err()}
	}}
	ctx, cancel := context.WithCancel(context.Background())
	e := New(Config{Backend: fb, DiskConcurrency: limit})
	id := e.Submit(ctx, Plan{Jobs: repos(10, "", OpStatus)})
	done := make(chan runResult)
	go func() { done <- collect(t, e, id) }()
	for range limit {
		<-entered
	}
	cancel()
	res := <-done
	e.Close()
	if len(sawCancel) != limit {
		t.Fatalf("%d in-flight ops saw the cancellation, want %d", len(sawCancel), limit)
	}
	s := res.summary
	// In-flight operations count as stopped, queued ones as not started:
	// neither is a failure.
	if !s.Interrupted || s.Failed != 0 || s.Skipped != 0 || s.Stopped != limit || s.NotStarted != 10-limit {
		t.Fatalf("summary %+v", s)
	}
	for _, fins := range res.finished {
		f := fins[0]
		if f.Result.Outcome != OutcomeSkipped {
			t.Errorf("cancelled op outcome %q", f.Result.Outcome)
		}
		switch f.Result.Cancelled {
		case CancelStopped:
			if !errors.Is(f.Err, context.Canceled) || strings.Contains(f.Err.Error(), "context canceled") {
				t.Errorf("in-flight op error %q: want one wrapping context.Canceled that says cancelled", f.Err)
			}
		case CancelNotStarted:
			if f.Result.Detail != "not started" || f.Err != nil {
				t.Errorf("queued op detail %q err %v", f.Result.Detail, f.Err)
			}
		default:
			t.Errorf("op not marked cancelled: %+v", f.Result)
		}
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	failed := make(chan struct{}, 1)
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, _ git.FetchOptions) error {
		failed <- struct{}{}
		return transientErr(dir)
	}}
	ctx, cancel := context.WithCancel(context.Background())
	e := New(Config{Backend: fb, Retry: RetryPolicy{Attempts: 5, Base: time.Hour, Max: time.Hour}})
	id := e.Submit(ctx, Plan{Jobs: repos(1, "h", OpFetch)})
	done := make(chan runResult)
	go func() { done <- collect(t, e, id) }()
	<-failed
	cancel()
	res := <-done // collect fails the test if the hour-long backoff is waited out
	e.Close()
	fin := res.finished["h/r00"][0]
	if fin.Result.Attempts != 1 || !errors.Is(fin.Err, context.Canceled) || !res.summary.Interrupted {
		t.Fatalf("attempts %d err %v summary %+v", fin.Result.Attempts, fin.Err, res.summary)
	}
}

func TestAttemptTimeout(t *testing.T) {
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, _ git.FetchOptions) error {
		<-ctx.Done()
		return &git.Error{Op: "fetch", Kind: git.ErrNetwork, Err: ctx.Err()}
	}}
	res := submit(t, Config{Backend: fb, Timeout: 20 * time.Millisecond, Retry: fastRetry},
		context.Background(), Plan{Jobs: repos(1, "h", OpFetch)})
	fin := res.finished["h/r00"][0]
	if fin.Result.Attempts != 1 || !strings.Contains(fin.Err.Error(), "timed out") || res.summary.Interrupted {
		t.Fatalf("attempts %d err %v", fin.Result.Attempts, fin.Err)
	}
}

func TestSubmitAfterClose(t *testing.T) {
	e := New(Config{Backend: &fakeBackend{}})
	e.Close()
	if id := e.Submit(context.Background(), Plan{Jobs: repos(1, "h", OpStatus)}); id != "" {
		t.Fatalf("Submit after Close returned %q", id)
	}
}

type countingObserver struct{ started, finished counter }

func (o *countingObserver) OpStarted(Op)                          { o.started.add() }
func (o *countingObserver) OpFinished(Op, Outcome, time.Duration) { o.finished.add() }

func TestObserverAndLogs(t *testing.T) {
	var buf syncBuffer
	obs := &countingObserver{}
	fb := &fakeBackend{fetch: func(ctx context.Context, dir string, opt git.FetchOptions) error {
		return authErr(dir)
	}}
	cfg := Config{Backend: fb, Observer: obs, Logger: zerolog.New(&buf).Level(zerolog.DebugLevel),
		Credentials: credsByHost{}}
	res := submit(t, cfg, context.Background(), Plan{Jobs: repos(3, "h", OpFetch)})
	if obs.started.n.Load() != 3 || obs.finished.n.Load() != 3 {
		t.Fatalf("observer saw %d starts, %d finishes", obs.started.n.Load(), obs.finished.n.Load())
	}
	out := buf.String()
	var finished int
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["run_id"] == nil {
			t.Errorf("log line without run_id: %s", line)
		}
		if m["message"] == "op finished" {
			finished++
			if m["level"] != "warn" || m["op_id"] == nil || m["op"] != "fetch" || m["repo"] == nil {
				t.Errorf("op line %s", line)
			}
		}
	}
	if finished != 3 || strings.Contains(out, "tok-h") {
		t.Fatalf("%d op lines, or a credential in the logs:\n%s", finished, out)
	}
	if res.summary.Failed != 3 {
		t.Fatalf("summary %+v", res.summary)
	}
}

// syncBuffer is a bytes.Buffer safe for the engine's concurrent log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// BenchmarkEngineStatus1000 measures the engine's own overhead for a
// 1,000-repository status run (the backend answers at once).
func BenchmarkEngineStatus1000(b *testing.B) {
	fb := &fakeBackend{}
	var jobs []Job
	for i := range 1000 {
		id := "h/r" + strconv.Itoa(i)
		jobs = append(jobs, Job{Repo: Repo{ID: id, Path: "/x/" + id}, Op: OpStatus})
	}
	e := New(Config{Backend: fb})
	defer e.Close()
	for b.Loop() {
		e.Submit(context.Background(), Plan{Jobs: jobs})
		for ev := range e.Events() {
			if _, ok := ev.(RunFinished); ok {
				break
			}
		}
	}
}
