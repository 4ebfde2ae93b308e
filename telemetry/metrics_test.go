package telemetry

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// touchAll moves every metric once, so that every family (vectors
// included) appears in a Gather.
func touchAll(m *Metrics) {
	m.OpStarted("clone")
	m.OpFinished("clone", "ok", 1500*time.Millisecond)
	m.SetRepositories(map[string]int{"clean": 2, "failed": 1})
	m.ProviderRequest("work", 200, 80*time.Millisecond, 4999)
	m.SyncFinished(SyncOK, time.Unix(1700000000, 0), 3*time.Second)
	m.NetworkLimit("github.com", "work", 4)
}

func TestMetricsLintClean(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "v1.2.3")
	touchAll(m)
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) != 15 {
		t.Errorf("want 15 families, got %d", len(fams))
	}
}

func TestMetricsMove(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "dev")

	m.OpStarted("fetch")
	m.OpStarted("fetch")
	if got := testutil.ToFloat64(m.opsInFlight.WithLabelValues("fetch")); got != 2 {
		t.Fatalf("in flight = %v, want 2", got)
	}
	m.OpFinished("fetch", "ok", 20*time.Millisecond)
	m.OpFinished("fetch", "failed", 700*time.Second) // beyond the last bucket
	if got := testutil.ToFloat64(m.opsInFlight.WithLabelValues("fetch")); got != 0 {
		t.Errorf("in flight = %v, want 0", got)
	}
	if got := testutil.ToFloat64(m.opsTotal.WithLabelValues("fetch", "failed")); got != 1 {
		t.Errorf("failed = %v, want 1", got)
	}

	m.SetRepositories(map[string]int{"clean": 3, "dirty": 1})
	m.SetRepositories(map[string]int{"clean": 4})
	if n := testutil.CollectAndCount(m.repos); n != 2 {
		t.Errorf("states: %d series, want 2 (dirty set to 0, not deleted)", n)
	}
	for state, want := range map[string]float64{"clean": 4, "dirty": 0} {
		if got := testutil.ToFloat64(m.repos.WithLabelValues(state)); got != want {
			t.Errorf("repositories{state=%q} = %v, want %v", state, got, want)
		}
	}

	m.ProviderRequest("gh", 0, time.Second, -1) // network error, quota unknown
	m.ProviderRequest("gh", 403, time.Second, 0)
	if got := testutil.ToFloat64(m.provRequests.WithLabelValues("gh", "error")); got != 1 {
		t.Errorf(`code="error" = %v`, got)
	}
	if got := testutil.ToFloat64(m.provRemaining.WithLabelValues("gh")); got != 0 {
		t.Errorf("remaining = %v, want 0", got)
	}

	end := time.Unix(1700000000, 0)
	m.SyncFinished(SyncFailed, end, time.Second)
	if got := testutil.ToFloat64(m.syncLastSuccess); got != 0 {
		t.Errorf("last success after a failed cycle = %v, want 0", got)
	}
	m.SyncFinished(SyncPartial, end, time.Second)
	if got := testutil.ToFloat64(m.syncLastSuccess); got != 1700000000 {
		t.Errorf("last success = %v", got)
	}

	if err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP mgit_sync_runs_total Sync cycles finished, by result (ok, partial, failed, interrupted).
# TYPE mgit_sync_runs_total counter
mgit_sync_runs_total{result="failed"} 1
mgit_sync_runs_total{result="interrupted"} 0
mgit_sync_runs_total{result="ok"} 0
mgit_sync_runs_total{result="partial"} 1
`), "mgit_sync_runs_total"); err != nil {
		t.Error(err)
	}
	h, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range h {
		// Histogram counts and the build info, as a scrape shows them.
		switch f.GetName() {
		case "mgit_operation_duration_seconds":
			hist := f.GetMetric()[0].GetHistogram()
			if hist.GetSampleCount() != 2 {
				t.Errorf("histogram count %d, want 2", hist.GetSampleCount())
			}
			if b := hist.GetBucket(); b[len(b)-1].GetUpperBound() != 600 {
				t.Errorf("last bucket %v, want 600", b[len(b)-1].GetUpperBound())
			}
		case "mgit_build_info":
			labels := map[string]string{}
			for _, l := range f.GetMetric()[0].GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["version"] != "dev" || !strings.HasPrefix(labels["goversion"], "go") {
				t.Errorf("build info labels %v", labels)
			}
		}
	}
}

// The network concurrency gauge is by provider: hosts of one provider add
// up, a host that changes provider moves, and no host becomes a label.
func TestNetworkConcurrencyByProvider(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg, "dev")
	g := func(p string) float64 { return testutil.ToFloat64(m.netConcurrency.WithLabelValues(p)) }
	m.NetworkLimit("github.com", "work", 4)
	m.NetworkLimit("github.com", "work", 9)
	m.NetworkLimit("ghe.example.com", "work", 3)
	m.NetworkLimit("git.example.org", "", 2)
	if g("work") != 12 || g("none") != 2 {
		t.Fatalf("work %v none %v, want 12 and 2", g("work"), g("none"))
	}
	m.NetworkLimit("git.example.org", "work", 5)
	if g("work") != 17 || g("none") != 0 {
		t.Fatalf("after a move: work %v none %v, want 17 and 0", g("work"), g("none"))
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		for _, mt := range f.GetMetric() {
			for _, l := range mt.GetLabel() {
				if strings.Contains(l.GetValue(), "example") || strings.Contains(l.GetValue(), "github.com") {
					t.Errorf("%s has host label %s=%s", f.GetName(), l.GetName(), l.GetValue())
				}
			}
		}
	}
}
