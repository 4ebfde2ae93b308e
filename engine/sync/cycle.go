package sync

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// counts are the numbers a cycle summary logs.
type counts struct {
	discovered, kept, cloned, updated, failed, skipped int
	// refused are listed repositories dropped by Config.Vet.
	refused int
}

// cycle runs one list → clone/update pass and returns its facts.
func (l *Loop) cycle(ctx context.Context, n int) CycleOutcome {
	id := l.cfg.RunID + "-" + strconv.Itoa(n)
	log := l.cfg.Log.With().Str("run_id", id).Int("cycle", n).Logger()
	l.setLog(log)
	end := func(error) {}
	if l.cfg.StartCycle != nil {
		ctx, end = l.cfg.StartCycle(ctx, id, log)
	}
	start := time.Now()
	var cc counts

	l.beat()
	repos, lerr := l.cfg.Lister.List(ctx)
	l.beat()
	cc.discovered = len(repos)
	if lerr != nil && len(repos) == 0 {
		return l.finish(ctx, log, end, start, cc, lerr, engine.Summary{})
	}
	if lerr != nil {
		log.Warn().Err(lerr).Msg("some providers could not be listed; syncing the others")
	}

	plan := l.plan(id, log, repos, &cc)
	sum := engine.Summary{}
	if len(plan.Jobs) > 0 {
		sum = l.submit(ctx, plan, &cc)
	}
	l.cfg.Metrics.SetRepositories(l.states.counts())
	l.cfg.Metrics.SetFailingStreak(l.streaks.stuck(l.cfg.FailingStreak))
	return l.finish(ctx, log, end, start, cc, lerr, sum)
}

// plan makes the cycle's plan of the listed repositories in the shard, and
// forgets the states of those no longer listed.
func (l *Loop) plan(id string, log zerolog.Logger, repos []provider.Repo, cc *counts) engine.Plan {
	plan := engine.Plan{RunID: id, Options: engine.Options{UpdateMode: engine.UpdatePull, Mirror: l.cfg.Mirror}}
	listed := map[string]bool{}
	for _, r := range repos {
		if !l.cfg.Shard.Keeps(r) {
			continue
		}
		// Vetted before anything uses it: a refused repository's clone
		// URL must not even teach its host a token.
		if l.cfg.Vet != nil && !l.cfg.Vet(log, r) {
			cc.refused++
			continue
		}
		if l.cfg.Learn != nil {
			l.cfg.Learn(r)
		}
		job, err := l.job(r)
		if err != nil {
			log.Warn().Err(err).Str("provider", r.Provider).Str("repo", r.FullName).Msg("repository skipped")
			cc.failed++
			continue
		}
		if listed[job.Repo.ID] {
			continue // the same repository through two providers: once
		}
		listed[job.Repo.ID] = true
		plan.Jobs = append(plan.Jobs, job)
	}
	cc.kept = len(plan.Jobs)
	// Repositories no longer listed leave the state gauges and streaks.
	keepOnly(l.states, listed)
	keepOnly(l.streaks, listed)
	return plan
}

// job makes the job of one repository: a clone, which the plan's update
// mode (engine.UpdatePull) turns into an update — a fast-forward, or a
// fetch of a mirror — when the destination already holds a clone of the
// same remote. What is there is the engine's to find out, at the time the
// job runs.
func (l *Loop) job(r provider.Repo) (engine.Job, error) {
	if r.CloneURL == "" {
		return engine.Job{}, errors.New("no HTTPS clone URL")
	}
	rm, err := workspace.ParseRemote(r.CloneURL)
	if err != nil {
		return engine.Job{}, err
	}
	if l.cfg.Mirror {
		r.Name += ".git" // a bare mirror's directory, as sync has always named it
	}
	dest, err := l.cfg.Dest(r)
	if err != nil {
		return engine.Job{}, err
	}
	rel, err := filepath.Rel(l.cfg.Root, dest)
	if err != nil {
		return engine.Job{}, fmt.Errorf("destination %s: %w", dest, err)
	}
	repo := engine.Repo{ID: filepath.ToSlash(rel), Path: dest, URL: r.CloneURL, Host: rm.Host, Provider: r.Provider, Size: r.Size}
	return engine.Job{Repo: repo, Op: engine.OpClone}, nil
}

// submit runs plan and reads its events until RunFinished, recording the
// repositories' states and streaks.
func (l *Loop) submit(ctx context.Context, plan engine.Plan, cc *counts) engine.Summary {
	runID := l.cfg.Engine.Submit(ctx, plan)
	watch := func(engine.Event) {}
	if l.cfg.Watch != nil {
		watch = l.cfg.Watch(l.currentLog, plan.Jobs)
	}
	for ev := range l.cfg.Engine.Events() {
		if ev.EventMeta().RunID != runID {
			continue
		}
		l.beat()
		switch e := ev.(type) {
		case engine.OpFinished:
			watch(e)
			l.states.record(e, l.cfg.StateOf)
			l.streaks.record(e)
			switch {
			case e.Result.Outcome == engine.OutcomeFailed:
				cc.failed++
			case e.Result.Outcome == engine.OutcomeSkipped:
				cc.skipped++
			case e.Op == engine.OpClone && !e.Result.Existed:
				cc.cloned++
			default:
				cc.updated++
			}
		case engine.RunFinished:
			return e.Summary
		}
	}
	return engine.Summary{Interrupted: true}
}

// result classifies a finished cycle.
func result(ctx context.Context, cc counts, lerr error, sum engine.Summary) Result {
	switch {
	case sum.Interrupted || (lerr != nil && ctx.Err() != nil):
		return ResultInterrupted
	case lerr != nil && cc.discovered == 0:
		return ResultFailed
	case cc.failed > 0 && cc.cloned+cc.updated == 0:
		return ResultFailed
	case cc.failed > 0 || lerr != nil:
		return ResultPartial
	}
	return ResultOK
}

// finish decides the cycle's result, records it and logs the summary.
func (l *Loop) finish(ctx context.Context, log zerolog.Logger, end func(error), start time.Time,
	cc counts, lerr error, sum engine.Summary) CycleOutcome {
	d := time.Since(start)
	res := result(ctx, cc, lerr, sum)
	out := CycleOutcome{Result: res, Summary: sum, ListErr: lerr, Discovered: cc.discovered}
	l.cfg.Metrics.CycleFinished(res, time.Now(), d)
	if res != ResultInterrupted {
		l.cfg.Metrics.FirstCycleDone()
	}
	switch res {
	case ResultOK, ResultPartial:
		l.cfg.Health.Set(true, "")
	case ResultFailed:
		l.cfg.Health.Set(false, "last sync cycle failed")
	}
	var runErr error
	if res == ResultFailed {
		runErr = errors.New("sync cycle failed")
		if lerr != nil {
			runErr = lerr
		}
	}
	end(runErr)

	ev := log.Info()
	if res != ResultOK {
		ev = log.Warn().Err(lerr)
	}
	ev.Str("result", string(res)).Int("discovered", cc.discovered).Int("in_shard", cc.kept).
		Int("cloned", cc.cloned).Int("updated", cc.updated).Int("failed", cc.failed).Int("skipped", cc.skipped).Int("refused", cc.refused).
		Int64("duration_ms", d.Milliseconds())
	if l.cfg.ExitCode != nil {
		ev = ev.Int("exit_code", l.cfg.ExitCode(out))
	}
	ev.Msg("sync cycle finished")
	return out
}
