package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// run is one submitted plan.
type run struct {
	e     *Engine
	ctx   context.Context
	id    string
	plan  Plan
	start time.Time
	log   zerolog.Logger

	mu          sync.Mutex
	sum         Summary
	interrupted bool
	// swept holds the directories whose stale temporary clones this run
	// has removed (see sweepStaleTemps); guarded by mu.
	swept map[string]bool
	// hostFails counts consecutive host failures (see breaker.go);
	// guarded by mu.
	hostFails map[string]int
}

func newRun(e *Engine, ctx context.Context, id string, plan Plan) *run {
	if plan.Options.UpdateMode == "" {
		plan.Options.UpdateMode = UpdateSkip
	}
	return &run{
		e: e, ctx: ctx, id: id, plan: plan, start: time.Now(),
		log: e.cfg.Logger.With().Str("run_id", id).Logger(),
	}
}

// job is one planned operation with its identity in the event stream.
type job struct {
	Job
	opID string
}

// execute announces every job, runs them and emits RunFinished.
func (r *run) execute() {
	// Group jobs per repository, keeping first-appearance order, so that jobs
	// of one repository never run concurrently (two git processes in one
	// repository fight over its lock files).
	var order []string
	perRepo := map[string][]job{}
	for i, j := range r.plan.Jobs {
		if r.poolFor(j.Op) == r.e.network && j.Repo.Host == "" {
			j.Repo.Host = hostOf(j.Repo)
		}
		jb := job{Job: j, opID: r.id + "." + strconv.Itoa(i+1)}
		if _, seen := perRepo[j.Repo.ID]; !seen {
			order = append(order, j.Repo.ID)
			r.e.emit(r.id, j.Repo.ID, func(m Meta) Event { return RepoFound{Meta: m, Repo: j.Repo} })
		}
		perRepo[j.Repo.ID] = append(perRepo[j.Repo.ID], jb)
	}
	for _, id := range order {
		for _, jb := range perRepo[id] {
			r.e.emit(r.id, id, func(m Meta) Event { return OpQueued{Meta: m, Op: jb.Op, OpID: jb.opID} })
		}
	}
	for _, id := range order {
		r.announceHosts(perRepo[id])
	}

	r.runAll(order, perRepo)

	r.mu.Lock()
	sum := r.sum
	sum.Interrupted = r.interrupted
	r.mu.Unlock()
	sum.Duration = time.Since(r.start)
	r.log.Info().Int("ok", sum.OK).Int("failed", sum.Failed).Int("skipped", sum.Skipped).
		Int("stopped", sum.Stopped).Int("not_started", sum.NotStarted).Bool("interrupted", sum.Interrupted).Dur("duration", sum.Duration).Msg("run finished")
	r.e.emit(r.id, "", func(m Meta) Event { return RunFinished{Meta: m, Summary: sum} })
}

// runAll runs every repository's jobs, one after another per repository.
// The first ticket of each is taken here, in plan order, so the pools
// serve repositories in the order the plan lists them; a repository's
// goroutine starts only when that ticket is granted (or the run is
// cancelled, so that it finishes its jobs as skipped).
func (r *run) runAll(order []string, perRepo map[string][]job) {
	var wg sync.WaitGroup
	firsts := make([]*ticket, 0, len(order))
	pools := make([]*pool, 0, len(order))
	for _, id := range order {
		jobs := perRepo[id]
		delete(perRepo, id) // the closure below holds them until they have run
		p := r.poolFor(jobs[0].Op)
		wg.Add(1)
		// ready is closed once first is set, which start may need before
		// enqueueStart has returned.
		ready := make(chan struct{})
		var first *ticket
		first = p.enqueueStart(jobs[0].Repo.Host, func() {
			defer wg.Done()
			<-ready
			r.runRepo(p, first, jobs)
		})
		close(ready)
		firsts = append(firsts, first)
		pools = append(pools, p)
	}
	stop := context.AfterFunc(r.ctx, func() {
		for i, t := range firsts {
			pools[i].wake([]*ticket{t})
		}
	})
	wg.Wait()
	stop()
}

// runRepo runs one repository's jobs in order, the first on ticket first.
func (r *run) runRepo(p *pool, first *ticket, jobs []job) {
	for i, jb := range jobs {
		t := first
		if i > 0 {
			p = r.poolFor(jb.Op)
			t = p.enqueue(jb.Repo.Host)
		}
		r.runJob(p, t, jb)
	}
}

// hostOf finds the remote host of an existing clone for the per-host limit
// and the credential lookup, from the URL or the origin in .git/config.
func hostOf(repo Repo) string {
	u := repo.URL
	if u == "" && repo.Path != "" {
		u, _ = workspace.OriginURL(repo.Path)
	}
	if u == "" {
		return ""
	}
	rm, err := workspace.ParseRemote(u)
	if err != nil {
		return ""
	}
	return rm.Host
}

func (r *run) poolFor(op Op) *pool {
	if op.Network() || (op == OpStatus && r.plan.Options.FetchBeforeStatus) {
		return r.e.network
	}
	return r.e.disk
}

// runJob waits for a slot, runs the operation with retries and emits its
// OpStarted, OpProgress and OpFinished events.
func (r *run) runJob(p *pool, t *ticket, jb job) {
	lc := r.log.With().Str("op_id", jb.opID).Str("op", string(jb.Op)).Str("repo", jb.Repo.ID)
	if jb.Repo.Provider != "" {
		lc = lc.Str("provider", jb.Repo.Provider)
	}
	log := lc.Logger()
	notStarted := Result{Outcome: OutcomeSkipped, Detail: "not started", Cancelled: CancelNotStarted}
	if err := p.wait(r.ctx, t); err != nil {
		r.finish(jb, log, notStarted, nil, 0, false)
		return
	}
	defer p.release(t)
	if r.ctx.Err() != nil {
		r.finish(jb, log, notStarted, nil, 0, false)
		return
	}

	start := time.Now()
	if obs := r.e.cfg.Observer; obs != nil {
		obs.OpStarted(jb.Op)
	}
	endSpan := r.traceOp(jb)
	x := &opExec{r: r, jb: jb, log: log, attempts: 1}
	if p == r.e.network {
		x.pool = p
	}
	r.e.emit(r.id, jb.Repo.ID, func(m Meta) Event {
		return OpStarted{Meta: m, Op: jb.Op, OpID: jb.opID, Attempt: 1}
	})
	log.Debug().Msg("op started")
	res, err := x.guarded()
	// An auth failure names the credential that was refused.
	err = tidy(withCredentialHint(err, x.authHint))
	x.done.Store(true) // no OpProgress after OpFinished
	switch {
	case err != nil && r.ctx.Err() != nil:
		// Stopped by the user, not failed: nothing to fix.
		res.Outcome, res.Cancelled, res.Detail = OutcomeSkipped, CancelStopped, "stopped"
	case err != nil:
		res.Outcome = OutcomeFailed
	case res.Outcome == "":
		res.Outcome = OutcomeOK
	}
	res.Attempts = x.attempts
	r.finish(jb, log, res, err, time.Since(start), true)
	endSpan(res.Outcome, err)
}

// guarded runs the operation behind the host's circuit breaker and, when it
// changes the repository, under the repository lock.
func (x *opExec) guarded() (Result, error) {
	jb := x.jb
	if err := x.r.hostDown(jb.Op, jb.Repo.Host); err != nil {
		x.attempts = 0 // nothing was tried
		return Result{}, fmt.Errorf("%s %s: %w", jb.Op, jb.Repo.ID, err)
	}
	var res Result
	var err error
	if writes(jb.Op) && !x.r.plan.Options.DryRun {
		var unlock func()
		if unlock, err = x.lockRepo(); err == nil {
			res, err = x.run()
			unlock()
		}
	} else {
		res, err = x.run()
	}
	x.r.noteHost(jb.Op, jb.Repo.Host, err)
	return res, err
}

// finish records the outcome and emits OpFinished.
func (r *run) finish(jb job, log zerolog.Logger, res Result, err error, d time.Duration, started bool) {
	r.mu.Lock()
	switch {
	case res.Cancelled == CancelStopped:
		r.sum.Stopped++
	case res.Cancelled == CancelNotStarted:
		r.sum.NotStarted++
	case res.Outcome == OutcomeOK:
		r.sum.OK++
	case res.Outcome == OutcomeSkipped:
		r.sum.Skipped++
	default:
		r.sum.Failed++
		if errors.Is(err, git.ErrAuth) {
			r.sum.AuthFailed++
		}
	}
	if r.ctx.Err() != nil {
		r.interrupted = true
	}
	r.mu.Unlock()

	if obs := r.e.cfg.Observer; obs != nil && started {
		obs.OpFinished(jb.Op, res.Outcome, d)
	}
	ev := log.Info()
	switch {
	case res.Outcome == OutcomeFailed && errors.Is(err, ErrExitStatus):
		// A command's own verdict (exec), which its output shows: not
		// a failure of mgit's to warn about on stderr.
		ev = log.Info().Err(err)
	case res.Outcome == OutcomeFailed:
		ev = log.Warn().Err(err)
		if h := git.Hint(err); h != "" {
			ev = ev.Str("hint", h)
		}
	}
	ev.Str("outcome", string(res.Outcome)).Str("detail", res.Detail).Int("attempts", res.Attempts).
		Int64("duration_ms", d.Milliseconds()).Msg("op finished")
	r.e.emit(r.id, jb.Repo.ID, func(m Meta) Event {
		return OpFinished{Meta: m, Op: jb.Op, OpID: jb.opID, Result: res, Err: err, Duration: d}
	})
}

// opExec is one running operation.
type opExec struct {
	r        *run
	jb       job
	log      zerolog.Logger
	attempts int
	// pool is the network pool when the operation runs in it: its
	// attempts then feed the host's limiter.
	pool     *pool
	done     atomic.Bool
	authHint string // the Hint of the credentials used, if any

	progMu   sync.Mutex
	lastProg time.Time
	lastPh   string
}

// progress is the git.ProgressFunc of every backend call: at most ~10 events
// a second per operation (a phase change always passes), dropped when the
// consumer is behind.
// progressFunc is the callback handed to the backend: nil when nobody
// shows progress (Config.NoProgress).
func (x *opExec) progressFunc() git.ProgressFunc {
	if x.r.e.cfg.NoProgress {
		return nil
	}
	return x.progress
}

func (x *opExec) progress(p git.Progress) {
	if x.done.Load() {
		return
	}
	x.progMu.Lock()
	now := time.Now()
	if p.Phase == x.lastPh && now.Sub(x.lastProg) < 100*time.Millisecond {
		x.progMu.Unlock()
		return
	}
	x.lastProg, x.lastPh = now, p.Phase
	x.progMu.Unlock()
	x.r.e.tryEmit(x.r.id, x.jb.Repo.ID, func(m Meta) Event {
		return OpProgress{Meta: m, Op: x.jb.Op, OpID: x.jb.opID, Progress: p}
	})
}

// credentials looks up the repository's credentials and keeps their hint
// for an authentication failure.
func (x *opExec) credentials() git.Credentials {
	c := x.lookupCredentials()
	x.authHint = c.Hint
	if c.Host == "" && !c.IsZero() {
		// Bound to the host they were looked up by: the backend gives
		// them to no other remote the repository's config names.
		c.Host = x.jb.Repo.Host
	}
	return c
}

// lookupCredentials asks the source for the repository first when it can
// answer per repository (see RepoCredentialSource), else by host.
func (x *opExec) lookupCredentials() git.Credentials {
	src := x.r.e.cfg.Credentials
	if rs, ok := src.(RepoCredentialSource); ok {
		if c, ok := rs.CredentialsFor(x.jb.Repo); ok {
			return c
		}
	}
	if src != nil && x.jb.Repo.Host != "" {
		c, ok := src.Credentials(x.jb.Repo.Host)
		if ok {
			return c
		}
		return git.Credentials{Hint: c.Hint}
	}
	return git.Credentials{}
}
