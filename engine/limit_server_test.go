package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// limitsOf are the NetworkLimit events of a run, in order.
func limitsOf(res runResult) []NetworkLimit {
	var out []NetworkLimit
	for _, ev := range res.events {
		if nl, ok := ev.(NetworkLimit); ok {
			out = append(out, nl)
		}
	}
	return out
}

// cloneJobs plans clones of n repositories of srv into a fresh directory.
func cloneJobs(t *testing.T, srv *gittest.Server, n int) []Job {
	t.Helper()
	root := t.TempDir()
	var jobs []Job
	for i := range n {
		name := fmt.Sprintf("r%02d", i)
		jobs = append(jobs, Job{Op: OpClone, Repo: Repo{ID: name, Path: filepath.Join(root, name), URL: srv.URL(name), Provider: "gh"}})
	}
	return jobs
}

// checkLimits checks what every NetworkLimit must hold: the host is
// announced first at the initial 4, every value stays in [1, 32], and each
// event's Previous is the value before it.
func checkLimits(t *testing.T, nls []NetworkLimit) {
	t.Helper()
	if len(nls) == 0 || nls[0].Reason != LimitInitial || nls[0].Limit != 4 || nls[0].Previous != 0 ||
		!strings.HasPrefix(nls[0].Host, "127.0.0.1:") || nls[0].Provider != "gh" || !nls[0].Adaptive || nls[0].RepoID != "" {
		t.Fatalf("first NetworkLimit %+v, want the host announced at 4", nls)
	}
	for i, nl := range nls {
		if nl.Limit < 1 || nl.Limit > 32 || nl.Total != nl.Limit {
			t.Errorf("limit %+v out of bounds", nl)
		}
		if i > 0 && nl.Previous != nls[i-1].Limit {
			t.Errorf("event %d: previous %d, but the limit was %d", i, nl.Previous, nls[i-1].Limit)
		}
	}
}

// A server that refuses (429, Retry-After) more than 2 requests at once:
// the engine, starting at 4 per host, meets the limit (Gather makes that
// certain), and the chosen concurrency falls below where it was, and stays
// below it. Real backends, real smart-HTTP server; the assertions are on
// the engine's recorded decisions, never on timings.
func TestAdaptiveConcurrencyFallsWhenServerLimits(t *testing.T) {
	t.Parallel() // it mostly waits; git's configuration is isolated by TestMain
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	// Four clones start at once at the initial limit of 4, enough for
	// Gather(3) to meet the throttle; the full tier clones 8.
	n := gittest.Sample(8, 4, 4)
	for i := range n {
		srv.CreateRepo(t, fmt.Sprintf("r%02d", i))
	}
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			srv.Throttle(2, "1")
			srv.Gather(3)
			before := srv.Throttled()
			var buf syncBuffer
			cfg := Config{Backend: be, Retry: RetryPolicy{Attempts: 6, Base: time.Millisecond, Max: 2 * time.Millisecond},
				Logger: zerolog.New(&buf).Level(zerolog.InfoLevel)}
			res := submit(t, cfg, context.Background(), Plan{Jobs: cloneJobs(t, srv, n)})
			if srv.Throttled() == before {
				t.Fatal("the server never refused a request")
			}
			nls := limitsOf(res)
			checkLimits(t, nls)
			first := -1
			for i, nl := range nls {
				if nl.Reason == LimitRateLimited {
					first = i
					break
				}
			}
			if first < 0 {
				t.Fatalf("no rate-limited decision: %+v", nls)
			}
			fell := nls[first]
			if fell.Limit >= fell.Previous {
				t.Fatalf("429 did not lower the concurrency: %+v", fell)
			}
			for _, nl := range nls[first:] {
				if nl.Limit >= fell.Previous {
					t.Errorf("after the 429 at %d the concurrency went back to %d", fell.Previous, nl.Limit)
				}
			}
			t.Logf("decisions %v; %d ok, %d failed", describe(nls), res.summary.OK, res.summary.Failed)
			if !strings.Contains(buf.String(), `"reason":"rate limited"`) {
				t.Errorf("no info log line for the decrease:\n%s", buf.String())
			}
			checkLimitLog(t, buf.String())
		})
	}
	srv.Throttle(0, "")
}

// A far server (every request delayed) that does not limit: throughput
// grows with concurrency, so the engine raises it from its initial 4.
func TestAdaptiveConcurrencyGrowsWithLatency(t *testing.T) {
	t.Parallel() // it mostly waits; git's configuration is isolated by TestMain
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	// Eight clones keep 4 in flight until the first window (4 finished
	// attempts) closes, so that window is saturated and may grow; the full
	// tier clones 12.
	n := gittest.Sample(12, 8, 8)
	for i := range n {
		srv.CreateRepo(t, fmt.Sprintf("r%02d", i))
	}
	srv.Delay(100 * time.Millisecond)
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			res := submit(t, Config{Backend: be, Retry: fastRetry}, context.Background(), Plan{Jobs: cloneJobs(t, srv, n)})
			if res.summary.OK != n {
				t.Fatalf("summary %+v", res.summary)
			}
			nls := limitsOf(res)
			checkLimits(t, nls)
			if len(nls) < 2 || nls[1].Reason != LimitThroughput || nls[1].Limit <= nls[1].Previous {
				t.Fatalf("want the concurrency to grow from 4: %v", describe(nls))
			}
			for _, nl := range nls {
				if nl.Reason == LimitRateLimited || nl.Reason == LimitErrors {
					t.Errorf("decrease without a limiting server: %+v", nl)
				}
			}
			t.Logf("decisions %v", describe(nls))
		})
	}
}

// A fixed --concurrency is announced once, as fixed, and never changes.
func TestFixedConcurrencyIsAnnounced(t *testing.T) {
	fb := &fakeBackend{}
	res := submit(t, Config{Backend: fb, NetworkConcurrency: 6}, context.Background(), Plan{Jobs: repos(20, "a.example", OpFetch)})
	nls := limitsOf(res)
	if len(nls) != 1 || nls[0].Limit != 6 || nls[0].Total != 6 || nls[0].Adaptive || nls[0].Reason != LimitFixed {
		t.Fatalf("NetworkLimit events %+v, want one fixed 6", nls)
	}
}

// checkLimitLog: every decision is an info line naming host and value.
func checkLimitLog(t *testing.T, out string) {
	t.Helper()
	lines := 0
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["message"] != "network concurrency" {
			continue
		}
		lines++
		if m["level"] != "info" || !strings.HasPrefix(fmt.Sprint(m["host"]), "127.0.0.1:") || m["concurrency"] == nil || m["run_id"] == nil {
			t.Errorf("log line %s", line)
		}
	}
	if lines == 0 {
		t.Error("no network concurrency log line")
	}
}

func describe(nls []NetworkLimit) string {
	var b strings.Builder
	for _, nl := range nls {
		fmt.Fprintf(&b, " %d->%d (%s)", nl.Previous, nl.Limit, nl.Reason)
	}
	return b.String()
}
