package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
)

// TestShardsPartitionTheListing: N loops with shards i/N plan every listed
// repository exactly once between them.
func TestShardsPartitionTheListing(t *testing.T) {
	var repos []provider.Repo
	for i := range 12 {
		name := fmt.Sprintf("r%d", i)
		repos = append(repos, repo(name, urlOf(name)))
	}
	owner := map[string]int{}
	for i := range uint64(3) {
		eng := newFakeRunner(nil)
		r := newRig(t, listing(repos...), eng)
		r.cfg.Shard = Shard{i, 3}
		if code := exitOf(New(r.cfg).Run(context.Background())); code != exitOK {
			t.Fatalf("shard %d: exit %d", i, code)
		}
		jobs := eng.lastPlan(t).Jobs
		if len(jobs) == 0 {
			t.Errorf("shard %d/3 planned nothing of 12", i)
		}
		for _, j := range jobs {
			if prev, dup := owner[j.Repo.ID]; dup {
				t.Errorf("%s planned by shards %d and %d", j.Repo.ID, prev, i)
			}
			owner[j.Repo.ID] = int(i)
		}
	}
	if len(owner) != len(repos) {
		t.Errorf("%d of %d repositories planned across the shards", len(owner), len(repos))
	}
}

// TestFailingStreakAndHeartbeat: a repository that fails every cycle
// counts in the failing streak from its third failure on, the healthy one
// never; the heartbeat keeps the loop alive after every cycle, and would
// not past the progress limit. A stop between cycles exits 0.
func TestFailingStreakAndHeartbeat(t *testing.T) {
	eng := newFakeRunner(func(j engine.Job) engine.Outcome {
		if strings.HasSuffix(j.Repo.ID, "/gone") {
			return engine.OutcomeFailed
		}
		return engine.OutcomeOK
	})
	r := newRig(t, listing(repo("ok", urlOf("ok")), repo("gone", urlOf("gone"))), eng)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streak := map[int]int{}
	alive := map[int]bool{}
	var alivePastLimit bool
	r.cfg.Once, r.cfg.Interval, r.cfg.OpTimeout = false, 0, time.Minute
	r.cfg.OnCycle = func(n int, _ CycleOutcome) {
		_, _, _, streak[n] = r.metrics.snapshot()
		alive[n] = r.health.alive(time.Now())
		alivePastLimit = r.health.alive(time.Now().Add(ProgressLimit(0, time.Minute) + time.Minute))
		if n == 4 {
			cancel()
		}
	}
	if out := New(r.cfg).Run(ctx); !out.Stopped || out.Cycles != 4 {
		t.Fatalf("Run = %+v, want stopped between cycles after cycle 4", out)
	}
	want := map[int]int{1: 0, 2: 0, 3: 1, 4: 1}
	for n, v := range want {
		if streak[n] != v {
			t.Errorf("after cycle %d: failing streak %d, want %d (all: %v)", n, streak[n], v, streak)
		}
		if !alive[n] {
			t.Errorf("after cycle %d: not alive", n)
		}
	}
	if alivePastLimit {
		t.Error("alive past the progress limit: a stalled loop would never be caught")
	}
	results, first, repos, _ := r.metrics.snapshot()
	if len(results) != 4 || results[0] != ResultPartial || first != 4 {
		t.Errorf("results %v, first-cycle marks %d; want 4 partial cycles", results, first)
	}
	if repos["failed"] != 1 || repos["ok"] != 1 {
		t.Errorf("repository states %v, want one failed and one ok", repos)
	}
}

// TestStreakForgetsUnlisted: a repository that leaves the listing leaves
// the streak and the state counts.
func TestStreakForgetsUnlisted(t *testing.T) {
	gone := repo("gone", urlOf("gone"))
	l := &fakeLister{repos: func(call int) ([]provider.Repo, error) {
		if call <= 3 {
			return []provider.Repo{gone}, nil
		}
		return nil, nil
	}}
	r := newRig(t, l, newFakeRunner(func(engine.Job) engine.Outcome { return engine.OutcomeFailed }))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streaks := map[int]int{}
	r.cfg.Once, r.cfg.Interval = false, 0
	r.cfg.OnCycle = func(n int, _ CycleOutcome) {
		_, _, repos, s := r.metrics.snapshot()
		streaks[n] = s + 10*len(repos)
		if n == 4 {
			cancel()
		}
	}
	New(r.cfg).Run(ctx)
	if streaks[3] != 11 || streaks[4] != 0 {
		t.Errorf("streak+10*states after cycle 3 = %d, want 11; after cycle 4 (unlisted) = %d, want 0", streaks[3], streaks[4])
	}
}

// TestListingFailure: a listing that fails entirely fails the cycle (exit
// 1, 3 when unauthorized) and makes the process unready; one that fails
// for some sources only is partial and keeps it ready.
func TestListingFailure(t *testing.T) {
	for _, tc := range []struct {
		name      string
		repos     []provider.Repo
		err       error
		code      int
		result    Result
		wantReady bool
	}{
		{"failed", nil, errors.New("list gh: 503"), exitFailed, ResultFailed, false},
		{"unauthorized", nil, fmt.Errorf("list gh: %w", provider.ErrUnauthorized), exitAuth, ResultFailed, false},
		{"partial", []provider.Repo{repo("a", urlOf("a"))}, errors.New("list gl: 503"), exitFailed, ResultPartial, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &fakeLister{repos: func(int) ([]provider.Repo, error) { return tc.repos, tc.err }}
			r := newRig(t, l, newFakeRunner(nil))
			if code := exitOf(New(r.cfg).Run(context.Background())); code != tc.code {
				t.Fatalf("exit %d, want %d", code, tc.code)
			}
			ready, reason := r.health.get()
			if ready != tc.wantReady || (!ready && !strings.Contains(reason, "failed")) {
				t.Errorf("ready %v (%q), want %v", ready, reason, tc.wantReady)
			}
			if results, first, _, _ := r.metrics.snapshot(); len(results) != 1 || results[0] != tc.result || first != 1 {
				t.Errorf("results %v, first-cycle marks %d; want [%s], 1", results, first, tc.result)
			}
		})
	}
}

// gatedLister holds List until gate is closed, after telling entered.
type gatedLister struct {
	gate    <-chan struct{}
	entered chan<- struct{}
	next    Lister
}

func (g gatedLister) List(ctx context.Context) ([]provider.Repo, error) {
	g.entered <- struct{}{}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.next.List(ctx)
}

// TestReadyBeforeFirstCycle: the loop is ready (and alive) as soon as it
// starts — a rollout must not wait for a first cycle that may take hours —
// and the first cycle is marked done only once it finished.
func TestReadyBeforeFirstCycle(t *testing.T) {
	gate, entered := make(chan struct{}), make(chan struct{}, 1)
	r := newRig(t, gatedLister{gate: gate, entered: entered, next: listing(repo("a", urlOf("a")))}, newFakeRunner(nil))
	r.cfg.Once = false
	cycles := make(chan int, 1)
	r.cfg.OnCycle = func(n int, c CycleOutcome) { cycles <- exitOf(Outcome{Cycles: n, Last: c}) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- exitOf(New(r.cfg).Run(ctx)) }()
	<-entered
	if ready, _ := r.health.get(); !ready || !r.health.alive(time.Now()) {
		t.Error("not ready and alive while the first cycle lists")
	}
	if _, first, _, _ := r.metrics.snapshot(); first != 0 {
		t.Error("first cycle marked done before it finished")
	}
	close(gate)
	if code := <-cycles; code != exitOK {
		t.Fatalf("cycle exit %d", code)
	}
	if _, first, _, _ := r.metrics.snapshot(); first != 1 {
		t.Errorf("first cycle marked done %d times, want 1", first)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("stopped between cycles: exit %d, want 0", code)
	}
}

// TestPlanVetsLearnsAndDedups: a refused repository is neither learned
// nor planned; one listed through two providers is planned once; one
// without a clone URL or a destination is a failure of the cycle.
func TestPlanVetsLearnsAndDedups(t *testing.T) {
	good, evil := repo("good", urlOf("good")), repo("evil", urlOf("evil"))
	twin := good
	twin.Provider = "gh2"
	bare := repo("nourl", "")
	eng := newFakeRunner(nil)
	r := newRig(t, listing(good, evil, twin, bare), eng)
	var learned []string
	r.cfg.Vet = func(_ zerolog.Logger, p provider.Repo) bool { return p.Name != "evil" }
	r.cfg.Learn = func(p provider.Repo) { learned = append(learned, p.Provider+":"+p.Name) }
	if code := exitOf(New(r.cfg).Run(context.Background())); code != exitFailed {
		t.Fatalf("exit %d, want 1 (a repository without a clone URL)", code)
	}
	jobs := eng.lastPlan(t).Jobs
	if len(jobs) != 1 || jobs[0].Repo.ID != "example.test/org/good" || jobs[0].Repo.Provider != "gh" {
		t.Errorf("planned %v, want only example.test/org/good from gh", jobs)
	}
	if strings.Join(learned, ",") != "gh:good,gh2:good,gh:nourl" {
		t.Errorf("learned %v", learned)
	}
	for _, want := range []string{`"refused":1`, `"failed":1`, `"in_shard":1`, `"discovered":4`, `"result":"partial"`} {
		if !strings.Contains(r.logs.String(), want) {
			t.Errorf("cycle summary lacks %s", want)
		}
	}
}
