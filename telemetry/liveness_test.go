package telemetry

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func healthz(t *testing.T, h http.Handler) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	return rec.Code, rec.Body.String()
}

// TestHealthzDetectsAStalledLoop: a loop that promised progress and stopped
// beating longer ago than its limit is not alive (503), and the next beat
// makes it alive again. Times are given, never waited for.
func TestHealthzDetectsAStalledLoop(t *testing.T) {
	r := &Readiness{}
	h := Handler(prometheus.NewRegistry(), r)
	if code, _ := healthz(t, h); code != http.StatusOK {
		t.Fatalf("no progress expected: /healthz %d, want 200", code)
	}
	now := time.Now()
	r.ExpectProgress(10*time.Minute, now.Add(-time.Hour))
	code, body := healthz(t, h)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no progress for") {
		t.Fatalf("an hour without a beat, limit 10m: /healthz %d %q, want 503", code, body)
	}
	r.Beat(now.Add(-2 * time.Hour)) // an older beat does not move the clock back
	if code, _ := healthz(t, h); code != http.StatusServiceUnavailable {
		t.Fatalf("after an older beat: /healthz %d, want 503", code)
	}
	r.Beat(now)
	if code, body := healthz(t, h); code != http.StatusOK {
		t.Fatalf("after a beat: /healthz %d %q, want 200", code, body)
	}
	if ok, _ := r.Alive(now.Add(10*time.Minute - time.Second)); !ok {
		t.Error("dead before the limit")
	}
	if ok, _ := r.Alive(now.Add(10*time.Minute + time.Second)); ok {
		t.Error("alive after the limit")
	}
	r.ExpectProgress(0, time.Time{})
	if ok, _ := r.Alive(now.Add(24 * time.Hour)); !ok {
		t.Error("limit 0 should turn the check off")
	}
	// Liveness and readiness are separate: not ready is still alive.
	r.Set(false, "last sync cycle failed")
	if code, _ := healthz(t, h); code != http.StatusOK {
		t.Errorf("not ready but alive: /healthz %d", code)
	}
}

func TestFirstCycleStreakAndRevisionMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetricsBuild(reg, Build{Version: "v1.2.3", Revision: "0123456789abcdef0123456789abcdef01234567"})
	gather := func() map[string]float64 {
		t.Helper()
		out := map[string]float64{}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			for _, mt := range mf.GetMetric() {
				key := mf.GetName()
				for _, l := range mt.GetLabel() {
					key += "," + l.GetName() + "=" + l.GetValue()
				}
				out[key] = mt.GetGauge().GetValue()
			}
		}
		return out
	}
	g := gather()
	if v, ok := g["mgit_sync_first_cycle_done"]; !ok || v != 0 {
		t.Errorf("mgit_sync_first_cycle_done before any cycle = %v (present %v), want 0", v, ok)
	}
	if v, ok := g["mgit_repositories_failing_streak"]; !ok || v != 0 {
		t.Errorf("mgit_repositories_failing_streak at start = %v (present %v), want 0", v, ok)
	}
	found := false
	for k := range g {
		if strings.HasPrefix(k, "mgit_build_info,") && strings.Contains(k, "revision=0123456789abcdef0123456789abcdef01234567") &&
			strings.Contains(k, "version=v1.2.3") {
			found = true
		}
	}
	if !found {
		t.Errorf("mgit_build_info lacks the revision: %v", g)
	}
	m.FirstCycleDone()
	m.SetFailingStreak(2)
	g = gather()
	if g["mgit_sync_first_cycle_done"] != 1 || g["mgit_repositories_failing_streak"] != 2 {
		t.Errorf("after a cycle: first_cycle_done %v, failing_streak %v", g["mgit_sync_first_cycle_done"], g["mgit_repositories_failing_streak"])
	}
	// Without a revision the label says so rather than being empty.
	reg2 := prometheus.NewRegistry()
	NewMetrics(reg2, "dev")
	mfs, _ := reg2.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "mgit_build_info" {
			for _, l := range mf.GetMetric()[0].GetLabel() {
				if l.GetName() == "revision" && l.GetValue() != "unknown" {
					t.Errorf("revision %q, want unknown", l.GetValue())
				}
			}
		}
	}
}
