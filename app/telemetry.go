package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/telemetry"
)

// envMetricsAddr is read when --metrics-addr is not given.
const envMetricsAddr = "MGIT_METRICS_ADDR"

// shutdownTimeout bounds the listener's graceful stop and the final trace
// flush when a command ends.
const shutdownTimeout = 5 * time.Second

// observability is one command's metrics registry, readiness, tracing and
// (when asked for) the HTTP listener. It adapts the engine's and the
// providers' hooks to telemetry, which imports nothing of the module.
type observability struct {
	reg     *prometheus.Registry
	metrics *telemetry.Metrics
	ready   *telemetry.Readiness
	tracing *telemetry.Tracing
	server  *telemetry.Server // nil without --metrics-addr
	// runID is chosen before anything is logged: a one-shot run uses it as
	// the engine's run ID, sync as the prefix of its cycles' run IDs.
	runID string
	// redact masks the tokens resolved so far in error text.
	redact func(string) string
	log    zerolog.Logger // with run_id
	base   zerolog.Logger // without: for loggers that add their own run_id

	mu  sync.Mutex
	cur zerolog.Logger // the logger of the run or cycle in progress
}

// metricsAddr is --metrics-addr, else $MGIT_METRICS_ADDR, else "" (off).
func (c *Factory) metricsAddr() string {
	if c.g.metricsAddr != "" {
		return c.g.metricsAddr
	}
	return c.getenv(envMetricsAddr)
}

// observe sets up telemetry for a command that does work: a fresh registry,
// tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set, and the listener when an
// address is configured. A listener that cannot bind is a usage error (exit
// 2): a sync container without its metrics is misconfigured. log is where
// telemetry itself logs (the dashboard's log file, never its terminal).
func (c *Factory) observe(ctx context.Context, log zerolog.Logger) (*observability, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// A sync cycle's run_id is "<id>-<cycle number>", so one prefix finds
	// every line of one sync process.
	id := engine.NewRunID()
	base := log
	log = log.With().Str("run_id", id).Logger()
	o := &observability{
		base:    base,
		reg:     reg,
		metrics: telemetry.NewMetricsBuild(reg, telemetry.Build{Version: version(), Revision: commit()}),
		ready:   &telemetry.Readiness{},
		runID:   id,
		redact:  c.redact,
		log:     log,
		cur:     log,
	}
	o.ready.Set(false, "starting")
	tr, err := telemetry.NewTracing(ctx, c.getenv, version(), telemetry.WithRedact(c.redact),
		telemetry.WithExportErrors(func(err error) { log.Warn().Err(err).Msg("trace export failed") }))
	if err != nil {
		return nil, usagef("Check "+telemetry.EnvOTLPEndpoint+".", "%s", err)
	}
	o.tracing = tr
	if addr := c.metricsAddr(); addr != "" {
		srv, err := telemetry.Listen(addr, reg, o.ready)
		if err != nil {
			_ = tr.Shutdown(ctx)
			return nil, usagef("Use --metrics-addr PORT, :PORT or HOST:PORT with a free port.", "%s", err)
		}
		o.server = srv
		log.Info().Str("addr", srv.Addr()).Msg("serving /metrics, /healthz and /readyz")
	}
	return o, nil
}

// close stops the listener (letting a scrape in progress finish) and flushes
// spans. It does not depend on the command's context, which may be
// cancelled by now.
func (o *observability) close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if o.server != nil {
		if err := o.server.Shutdown(ctx); err != nil {
			o.log.Warn().Err(err).Msg("metrics listener shutdown")
		}
	}
	if err := o.tracing.Shutdown(ctx); err != nil {
		o.log.Warn().Err(err).Msg("trace flush")
	}
}

// engineObserver adapts the engine's Observer (and OpTracer) to telemetry:
// engine.Op and engine.Outcome are defined types, so telemetry's methods
// with plain strings cannot satisfy the interface directly.
type engineObserver struct {
	m *telemetry.Metrics
	t *telemetry.Tracing
}

func (o engineObserver) OpStarted(op engine.Op) { o.m.OpStarted(string(op)) }

func (o engineObserver) OpFinished(op engine.Op, out engine.Outcome, d time.Duration) {
	o.m.OpFinished(string(op), string(out), d)
}

// NetworkLimit implements engine.LimitObserver: the network concurrency
// chosen for a host, as a gauge by provider.
func (o engineObserver) NetworkLimit(host, provider string, limit int) {
	o.m.NetworkLimit(host, provider, limit)
}

// StartOp implements engine.OpTracer; with tracing off it returns nil and
// costs nothing.
func (o engineObserver) StartOp(ctx context.Context, op engine.Op, repo engine.Repo, opID string) func(engine.Outcome, error) {
	if !o.t.Enabled() {
		return nil
	}
	_, end := o.t.StartOp(ctx, string(op), repo.ID, opID, repo.Provider)
	return func(out engine.Outcome, err error) { end(string(out), err) }
}

// engineObserver returns the engine's observer.
func (o *observability) engineObserver() engine.Observer {
	return engineObserver{m: o.metrics, t: o.tracing}
}

// setLog makes l (carrying a cycle's run_id) the logger of provider
// requests from now on.
func (o *observability) setLog(l zerolog.Logger) {
	o.mu.Lock()
	o.cur = l
	o.mu.Unlock()
}

func (o *observability) currentLog() zerolog.Logger {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.cur
}

// observeRequests returns a provider Config.Observe func: every API attempt
// is counted and logged (method, host, path — never the query, which may
// carry secrets — status, duration, rate-limit remaining) with the run_id
// of the run or cycle in progress.
func (o *observability) observeRequests() func(provider.RequestInfo) {
	return func(ri provider.RequestInfo) {
		o.metrics.ProviderRequest(ri.Provider, ri.Status, ri.Duration, ri.RateLimitRemaining)
		log := o.currentLog()
		ev := log.Info()
		if ri.Err != nil || ri.Status >= 400 || ri.RateLimited {
			ev = log.Warn()
		}
		if ri.Err != nil {
			ev = ev.Str("error", o.redact(ri.Err.Error()))
		}
		ev = ev.Str("provider", ri.Provider).Str("method", ri.Method).Str("host", ri.Host).
			Str("path", ri.Path).Int("status", ri.Status).Int64("duration_ms", ri.Duration.Milliseconds()).
			Int("attempt", ri.Attempt).Bool("from_cache", ri.FromCache)
		if ri.RateLimitRemaining >= 0 {
			ev = ev.Int("rate_limit_remaining", ri.RateLimitRemaining)
		}
		if ri.Wait > 0 {
			ev = ev.Int64("wait_ms", ri.Wait.Milliseconds()).Bool("rate_limited", ri.RateLimited)
		}
		ev.Msg("provider request")
	}
}

// repoStates keeps the last known state of every repository of a run or a
// sync, for mgit_repositories{state}.
type repoStates map[string]string

// Repository states besides git.Status.State().
const (
	stateFailed    = "failed"
	stateNeedsAuth = "needs-credentials"
	stateUnknown   = "unknown"
	stateMirror    = "mirror"
)

// record notes the state an OpFinished leaves its repository in; a
// skipped operation changes nothing.
func (s repoStates) record(ev engine.OpFinished, mirror bool) {
	switch {
	case ev.Result.Outcome == engine.OutcomeFailed && errors.Is(ev.Err, git.ErrAuth):
		s[ev.RepoID] = stateNeedsAuth
	case ev.Result.Outcome == engine.OutcomeFailed:
		s[ev.RepoID] = stateFailed
	case ev.Result.Outcome == engine.OutcomeSkipped:
		if _, ok := s[ev.RepoID]; !ok {
			s[ev.RepoID] = stateUnknown
		}
	case mirror:
		s[ev.RepoID] = stateMirror
	case ev.Result.Status != nil:
		s[ev.RepoID] = ev.Result.Status.State()
	default:
		s[ev.RepoID] = stateUnknown
	}
}

// startRun readies a one-shot run: configuration and credentials are
// resolved by now, so /readyz turns 200; with tracing on, the run gets its
// span (with a run ID chosen here, so the span, the logs and the NDJSON
// output share it). The returned func ends the span.
func (o *observability) startRun(ctx context.Context, plan *engine.Plan) (context.Context, func()) {
	o.ready.Set(true, "")
	if plan.RunID == "" {
		plan.RunID = o.runID
	}
	if !o.tracing.Enabled() {
		return ctx, func() {}
	}
	name := "mgit"
	if len(plan.Jobs) > 0 {
		name += " " + string(plan.Jobs[0].Op)
	}
	ctx, end := o.tracing.StartRun(ctx, name)
	telemetry.SetRunID(ctx, plan.RunID)
	return ctx, func() { end(nil) }
}

// startQuery readies a command that only asks providers (list, or the
// listing before clone QUERY): /readyz turns 200, and with tracing on the
// provider spans hang under one run span carrying the run ID of the logs.
// The returned func ends the span.
func (o *observability) startQuery(ctx context.Context, name string) (context.Context, func()) {
	o.ready.Set(true, "")
	if !o.tracing.Enabled() {
		return ctx, func() {}
	}
	ctx, end := o.tracing.StartRun(ctx, name)
	telemetry.SetRunID(ctx, o.runID)
	return ctx, func() { end(nil) }
}

// stateTally keeps mgit_repositories{state} current while a run's events
// go by: the state of each repository, and the counts it adds up to,
// changed in place so that each event costs the same however many
// repositories there are.
type stateTally struct {
	m      *telemetry.Metrics
	states repoStates
	counts map[string]int
}

func newStateTally(m *telemetry.Metrics) *stateTally {
	return &stateTally{m: m, states: repoStates{}, counts: map[string]int{}}
}

// observe records what ev says about its repository. Only finished
// operations change a state; a status or update that ran tells the state.
func (t *stateTally) observe(ev engine.Event) {
	fin, ok := ev.(engine.OpFinished)
	if !ok {
		return
	}
	before, had := t.states[fin.RepoID]
	t.states.record(fin, false)
	after := t.states[fin.RepoID]
	if had && before == after {
		return
	}
	if had {
		if t.counts[before]--; t.counts[before] <= 0 {
			delete(t.counts, before)
		}
	}
	t.counts[after]++
	t.m.SetRepositories(t.counts)
}

// tapStates returns the stream a presenter should read instead of in:
// with the metrics listener on, a copy of in that keeps
// mgit_repositories{state} current; without it, in itself (nobody could
// scrape the gauge). The copy is closed when in is. Once stop is closed
// the copy is no longer fed but in is still drained, so the engine never
// blocks on a presenter that has gone.
func (o *observability) tapStates(in <-chan engine.Event, stop <-chan struct{}) <-chan engine.Event {
	return o.tapEvents(in, stop, nil)
}

// tapEvents is tapStates that also shows every event to see (when not
// nil), from the copying goroutine, before the presenter gets it: the
// hook for what the app itself must notice in a run (authentication
// failures to audit).
func (o *observability) tapEvents(in <-chan engine.Event, stop <-chan struct{}, see func(engine.Event)) <-chan engine.Event {
	if o.server == nil && see == nil {
		return in
	}
	out := make(chan engine.Event, cap(in))
	var tally *stateTally
	if o.server != nil {
		tally = newStateTally(o.metrics)
	}
	go func() {
		defer close(out)
		stopped := false
		for ev := range in {
			if tally != nil {
				tally.observe(ev)
			}
			if see != nil {
				see(ev)
			}
			if stopped {
				continue
			}
			select {
			case out <- ev:
			case <-stop:
				stopped = true
			}
		}
	}()
	return out
}
