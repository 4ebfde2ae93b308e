package sync

import (
	"time"

	"github.com/mgit-dev/mgit/engine"
)

// Liveness of the loop: /healthz fails when the loop made no progress (a
// cycle started, a listing returned, an operation finished) for
// stallIntervals intervals plus stallAttempts operation time limits —
// longer than a healthy loop can be silent: a cycle waits at most one
// interval for the next, and one operation runs at most attempts × its
// time limit.
const (
	stallIntervals    = 3
	stallAttempts     = 3
	defaultNetTimeout = 10 * time.Minute // the engine's default Config.Timeout
)

// ProgressLimit is how long the loop may go without a beat before Health
// should call it stalled, for a cycle interval and an operation time limit
// (<= 0: the engine's default).
func ProgressLimit(interval, opTimeout time.Duration) time.Duration {
	if opTimeout <= 0 {
		opTimeout = defaultNetTimeout
	}
	return stallIntervals*interval + stallAttempts*opTimeout
}

// failStreaks counts, per repository, the cycles in a row whose operation
// failed; a success resets it, a skip leaves it. Only the number of
// repositories at the threshold or more is exported: a repository name is
// never a metric label.
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

// stuck is the number of repositories failing min or more cycles in a row.
func (f failStreaks) stuck(min int) int {
	n := 0
	for _, c := range f {
		if c >= min {
			n++
		}
	}
	return n
}

// repoStates keeps the last known state of every listed repository, for
// Metrics.SetRepositories. A skipped operation leaves the state it had.
type repoStates map[string]string

func (s repoStates) record(ev engine.OpFinished, stateOf func(engine.OpFinished) string) {
	if _, had := s[ev.RepoID]; had && ev.Result.Outcome == engine.OutcomeSkipped {
		return
	}
	s[ev.RepoID] = stateOf(ev)
}

func (s repoStates) counts() map[string]int {
	out := map[string]int{}
	for _, st := range s {
		out[st]++
	}
	return out
}

// keepOnly forgets the repositories of m no longer listed.
func keepOnly[V any](m map[string]V, listed map[string]bool) {
	for id := range m {
		if !listed[id] {
			delete(m, id)
		}
	}
}
