package sync

import (
	"context"
	gosync "sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
)

// Lister lists the repositories a cycle works on. One that asks several
// sources returns what it found together with the errors of the sources
// that failed: an error with repositories makes a partial cycle, an error
// without any a failed one.
type Lister interface {
	List(ctx context.Context) ([]provider.Repo, error)
}

// Runner runs the cycles' plans and reports on them as events: an
// *engine.Engine.
type Runner interface {
	Submit(ctx context.Context, plan engine.Plan) string
	Events() <-chan engine.Event
}

// Health is the process's readiness (/readyz) and liveness (/healthz);
// telemetry.Readiness has these methods.
type Health interface {
	Set(ready bool, reason string)
	ExpectProgress(limit time.Duration, now time.Time)
	Beat(now time.Time)
}

// Metrics is told what the cycles did.
type Metrics interface {
	// CycleFinished records a cycle's result, when it ended and how long
	// it took.
	CycleFinished(r Result, end time.Time, d time.Duration)
	// FirstCycleDone is called after every cycle that was not interrupted.
	FirstCycleDone()
	// SetRepositories is the number of listed repositories per state.
	SetRepositories(counts map[string]int)
	// SetFailingStreak is the number of repositories whose operation
	// failed Config.FailingStreak cycles in a row or more.
	SetFailingStreak(n int)
}

// Result is the class of a finished cycle.
type Result string

// The results.
const (
	ResultOK          Result = "ok"          // every operation succeeded
	ResultPartial     Result = "partial"     // some operations (or sources) failed, some succeeded
	ResultFailed      Result = "failed"      // listing failed, or every operation failed
	ResultInterrupted Result = "interrupted" // cancelled before the cycle finished
)

// Config is what a Loop runs with. Lister, Engine, Health, Metrics and
// Dest are required.
type Config struct {
	// Root is the absolute directory the repositories are kept in.
	Root string
	// Interval is the time from the start of one cycle to the start of
	// the next; Grace how long the cycle in progress may run after the
	// Run context is cancelled. Once runs one cycle.
	Interval, Grace time.Duration
	Once            bool
	// Shard keeps only the listed repositories in it.
	Shard Shard
	// Mirror keeps bare mirrors (engine.Options.Mirror).
	Mirror bool
	// OpTimeout is the engine's time limit of one operation attempt (0:
	// its default), for the stall limit of the heartbeat.
	OpTimeout time.Duration
	// RunID prefixes the run IDs of the cycles: "<RunID>-<cycle number>".
	RunID string
	// FailingStreak is the number of failed cycles in a row from which a
	// repository counts in Metrics.SetFailingStreak.
	FailingStreak int

	Lister  Lister
	Engine  Runner
	Health  Health
	Metrics Metrics
	// Log is the logger without a run_id; the loop adds the cycle's.
	Log zerolog.Logger
	// Describe adds what Run's "sync started" line says beyond the loop's
	// own settings (the query, the backend); may be nil.
	Describe func(*zerolog.Event) *zerolog.Event

	// Dest is where a listed repository is kept under Root; an error
	// skips the repository (a failure of the cycle).
	Dest func(r provider.Repo) (string, error)
	// Vet, when set, refuses a listed repository (false) before anything
	// uses it; it logs why to log.
	Vet func(log zerolog.Logger, r provider.Repo) bool
	// Learn, when set, is told every repository kept, before the plan is
	// submitted (so that its git host gets its provider's token).
	Learn func(r provider.Repo)
	// Watch, when set, returns the function every event of a cycle's
	// plan is shown to; log returns the logger of the cycle in progress.
	Watch func(log func() zerolog.Logger, jobs []engine.Job) func(engine.Event)
	// StartCycle, when set, is called as cycle n starts with its run ID
	// and logger; it returns the cycle's context (carrying its trace
	// span) and the function that ends it with the cycle's error.
	StartCycle func(ctx context.Context, runID string, log zerolog.Logger) (context.Context, func(error))
	// StateOf names the state an operation left its repository in (for
	// Metrics.SetRepositories); nil: the operation's outcome.
	StateOf func(engine.OpFinished) string
	// OnCycle, when set, is told each cycle's number and facts after the
	// cycle is recorded (a test seam: tests wait on it, not on time).
	OnCycle func(n int, c CycleOutcome)
	// ExitCode, when set, is the command layer's exit status for a cycle,
	// logged with the cycle's summary line as exit_code. The loop never
	// decides an exit status: the command layer owns that mapping.
	ExitCode func(CycleOutcome) int
}

// CycleOutcome are the facts of one finished cycle, which the command
// layer maps to an exit status.
type CycleOutcome struct {
	Result Result
	// Summary is the engine's count of the cycle's operations (zero when
	// none ran).
	Summary engine.Summary
	// ListErr is the listing's failure, if any (some or all providers);
	// Discovered is how many repositories were listed all the same.
	ListErr    error
	Discovered int
}

// Outcome is how Run ended.
type Outcome struct {
	// Cycles is how many cycles ran; Last holds the facts of the last
	// (zero when none ran).
	Cycles int
	Last   CycleOutcome
	// Stopped is true when ctx was cancelled between cycles (a clean
	// stop), false when Run returned after a cycle: the one cycle of
	// Once, or a cycle the stop interrupted.
	Stopped bool
}

// Loop runs the cycles of one sync.
type Loop struct {
	cfg     Config
	states  repoStates
	streaks failStreaks

	mu  gosync.Mutex
	cur zerolog.Logger // the logger of the cycle in progress
}

// New returns a loop over cfg.
func New(cfg Config) *Loop {
	if cfg.StateOf == nil {
		cfg.StateOf = func(ev engine.OpFinished) string { return string(ev.Result.Outcome) }
	}
	return &Loop{cfg: cfg, states: repoStates{}, streaks: failStreaks{},
		cur: cfg.Log.With().Str("run_id", cfg.RunID).Logger()}
}

// Run runs cycles until ctx is cancelled (or one, with Once) and returns
// how it ended: stopped between cycles, or after the one cycle of Once, or
// after a cycle the stop interrupted (Last.Result ResultInterrupted). A
// cancelled ctx gives the cycle in progress Grace to finish before its
// operations are cancelled.
func (l *Loop) Run(ctx context.Context) Outcome {
	// Operations run under runCtx, which outlives ctx by the grace period:
	// SIGTERM first lets the cycle finish, then cancels it.
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRun()
	var graceTimer *time.Timer
	var timerMu gosync.Mutex
	stop := context.AfterFunc(ctx, func() {
		log := l.currentLog()
		log.Info().Dur("grace", l.cfg.Grace).Msg("stopping: the cycle in progress may finish within the grace period")
		timerMu.Lock()
		graceTimer = time.AfterFunc(l.cfg.Grace, cancelRun)
		timerMu.Unlock()
	})
	defer func() {
		stop()
		timerMu.Lock()
		if graceTimer != nil {
			graceTimer.Stop()
		}
		timerMu.Unlock()
	}()

	l.startLiveness()
	l.logStart()
	var out Outcome
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			out.Stopped = true
			return out
		}
		start := time.Now()
		out.Cycles, out.Last = n, l.cycle(runCtx, n)
		if l.cfg.OnCycle != nil {
			l.cfg.OnCycle(n, out.Last)
		}
		if l.cfg.Once || out.Last.Result == ResultInterrupted {
			return out
		}
		wait := time.NewTimer(time.Until(start.Add(l.cfg.Interval)))
		select {
		case <-ctx.Done():
			wait.Stop()
			log := l.currentLog()
			log.Info().Msg("sync stopped")
			out.Stopped = true
			return out
		case <-wait.C:
		}
	}
}

func (l *Loop) logStart() {
	ev := l.cfg.Log.Info().Str("run_id", l.cfg.RunID)
	if l.cfg.Describe != nil {
		ev = l.cfg.Describe(ev)
	}
	ev.Str("dir", l.cfg.Root).Uint64("shard", l.cfg.Shard.I).Uint64("shards", max(l.cfg.Shard.N, 1)).
		Bool("mirror", l.cfg.Mirror).Dur("interval", l.cfg.Interval).Msg("sync started")
}

// startLiveness marks the process ready — whatever the loop needs was
// resolved before it starts, so a rollout need not wait for a first cycle
// that may take hours — and, for a long-running loop, makes Health watch
// the heartbeat.
func (l *Loop) startLiveness() {
	l.cfg.Health.Set(true, "")
	if !l.cfg.Once {
		l.cfg.Health.ExpectProgress(ProgressLimit(l.cfg.Interval, l.cfg.OpTimeout), time.Now())
	}
}

// beat records progress of the loop.
func (l *Loop) beat() { l.cfg.Health.Beat(time.Now()) }

func (l *Loop) setLog(log zerolog.Logger) {
	l.mu.Lock()
	l.cur = log
	l.mu.Unlock()
}

func (l *Loop) currentLog() zerolog.Logger {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cur
}
