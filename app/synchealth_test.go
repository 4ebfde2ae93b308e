package app

import (
	"context"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/credroute"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
)

// TestSyncFailingStreakAndHeartbeat: a repository that fails every cycle
// (listed, but gone from the git server) is counted in
// mgit_repositories_failing_streak from its third failure on, while the
// healthy one is not; the loop's heartbeat keeps /healthz alive and would
// fail it past the progress limit.
func TestSyncFailingStreakAndHeartbeat(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 1)
	w.names = append(w.names, "org/gone") // listed, never created: every clone fails
	c, logs := testCLI(t, map[string]string{credroute.EnvToken: w.git.Token()})
	obs := observeFor(t, c)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	streak := map[int]string{}
	alive := map[int]bool{}
	var alivePastLimit bool
	o := SyncOptions{query: "org", dir: t.TempDir(), interval: 0, grace: 5 * time.Second,
		onCycle: func(n int, _ syncloop.CycleOutcome) {
			streak[n] = scrape(t, obs)["mgit_repositories_failing_streak"]
			alive[n], _ = obs.ready.Alive(time.Now())
			alivePastLimit, _ = obs.ready.Alive(time.Now().Add(syncloop.ProgressLimit(0, c.g.timeout) + time.Minute))
			if n == 4 {
				cancel()
			}
		}}
	if code := syncLoop(ctx, c, o, w.listerFor(t, obs), obs); code != 0 {
		t.Fatalf("exit %d\n%s", code, logs)
	}
	want := map[int]string{1: "0", 2: "0", 3: "1", 4: "1"}
	for n, v := range want {
		if streak[n] != v {
			t.Errorf("after cycle %d: mgit_repositories_failing_streak = %q, want %s (all: %v)\n%s", n, streak[n], v, streak, logs)
		}
		if !alive[n] {
			t.Errorf("after cycle %d: /healthz not alive", n)
		}
	}
	if alivePastLimit {
		t.Error("alive past the progress limit: /healthz would never catch a stalled loop")
	}
	wantMetric(t, scrape(t, obs), `mgit_repositories{state="failed"}`, "1")
}
