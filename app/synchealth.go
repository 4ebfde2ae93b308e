package app

import (
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/telemetry"
)

// Liveness of the sync loop: /healthz fails when the loop made no progress
// (a cycle started, a listing returned, an operation finished) for
// stallIntervals intervals plus stallAttempts operation time limits — longer
// than a healthy loop can be silent: a cycle waits at most one interval for
// the next, and one operation runs at most attempts × its time limit.
const (
	stallIntervals    = 3
	stallAttempts     = 3
	defaultNetTimeout = 10 * time.Minute // the engine's default --timeout for network operations
)

// progressLimit is how long the loop may go without a beat.
func progressLimit(interval, opTimeout time.Duration) time.Duration {
	if opTimeout <= 0 {
		opTimeout = defaultNetTimeout
	}
	return stallIntervals*interval + stallAttempts*opTimeout
}

// startLiveness marks the process ready — the listener, configuration and
// credentials were all resolved before the loop starts, so a rollout need
// not wait for a first cycle that may take hours — and, for a long-running
// sync, makes /healthz watch the loop's heartbeat.
func (s *syncer) startLiveness(opTimeout time.Duration) {
	s.obs.ready.Set(true, "")
	if !s.o.once {
		s.obs.ready.ExpectProgress(progressLimit(s.o.interval, opTimeout), time.Now())
	}
}

// beat records progress of the loop.
func (s *syncer) beat() { s.obs.ready.Beat(time.Now()) }

// failStreaks counts, per repository, the cycles in a row whose operation
// failed; a success resets it, a skip leaves it. Only the number of
// repositories at telemetry.FailingStreakCycles or more is exported: a
// repository name is never a metric label.
type failStreaks map[string]int

func (f failStreaks) record(ev engine.OpFinished) {
	switch ev.Result.Outcome {
	case engine.OutcomeFailed:
		f[ev.RepoID]++
	case engine.OutcomeSkipped:
	default:
		delete(f, ev.RepoID)
	}
}

// keepOnly forgets the repositories no longer listed.
func (f failStreaks) keepOnly(listed map[string]bool) {
	for id := range f {
		if !listed[id] {
			delete(f, id)
		}
	}
}

// stuck is the number of repositories failing FailingStreakCycles or more
// cycles in a row.
func (f failStreaks) stuck() int {
	n := 0
	for _, c := range f {
		if c >= telemetry.FailingStreakCycles {
			n++
		}
	}
	return n
}
