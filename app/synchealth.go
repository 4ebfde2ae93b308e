package app

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
	"github.com/mgit-dev/mgit/telemetry"
)

// syncMetrics adapts telemetry.Metrics to the loop's syncloop.Metrics: a
// cycle's result becomes the result label of mgit_sync_runs_total.
type syncMetrics struct{ m *telemetry.Metrics }

func (s syncMetrics) CycleFinished(r syncloop.Result, end time.Time, d time.Duration) {
	label := telemetry.SyncOK
	switch r {
	case syncloop.ResultPartial:
		label = telemetry.SyncPartial
	case syncloop.ResultFailed:
		label = telemetry.SyncFailed
	case syncloop.ResultInterrupted:
		label = telemetry.SyncInterrupted
	}
	s.m.SyncFinished(label, end, d)
}

func (s syncMetrics) FirstCycleDone()                       { s.m.FirstCycleDone() }
func (s syncMetrics) SetRepositories(counts map[string]int) { s.m.SetRepositories(counts) }
func (s syncMetrics) SetFailingStreak(n int)                { s.m.SetFailingStreak(n) }

// syncState names the state an operation of a sync leaves its repository
// in, as the one-shot runs name it (repoStates.record): mirrors are
// "mirror" unless they failed.
func syncState(mirror bool) func(engine.OpFinished) string {
	return func(ev engine.OpFinished) string {
		s := repoStates{}
		s.record(ev, mirror)
		return s[ev.RepoID]
	}
}

// startCycle is the loop's syncloop.Config.StartCycle: provider requests
// log with the cycle's run_id from now on, and with tracing on the cycle
// gets its run span carrying that run ID.
func (o *observability) startCycle(ctx context.Context, runID string, log zerolog.Logger) (context.Context, func(error)) {
	o.setLog(log)
	ctx, end := o.tracing.StartRun(ctx, "mgit sync cycle")
	telemetry.SetRunID(ctx, runID)
	return ctx, end
}
