package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"runtime"
	"sync"
	"time"
)

// Engine runs plans. Create one with New; it is safe for concurrent use.
type Engine struct {
	cfg Config

	network *pool // clone, fetch, pull (and status with FetchBeforeStatus)
	disk    *pool // status

	// sendMu serialises sends on events so that Seq, assigned under it,
	// increases in exactly the order consumers receive events.
	sendMu sync.Mutex
	seq    uint64
	events chan Event

	mu     sync.Mutex // guards closed and the Add side of runs
	closed bool
	runs   sync.WaitGroup
}

// New returns an engine ready to accept plans. Zero values in cfg get the
// defaults documented on Config.
func New(cfg Config) *Engine {
	adaptive := cfg.NetworkConcurrency <= 0 && cfg.PerHost <= 0
	cfg.Adaptive = cfg.Adaptive.withDefaults()
	if cfg.NetworkConcurrency <= 0 {
		cfg.NetworkConcurrency = 8
		if adaptive {
			cfg.NetworkConcurrency = cfg.Adaptive.Max
		}
	}
	if cfg.DiskConcurrency <= 0 {
		cfg.DiskConcurrency = max(2*runtime.NumCPU(), 4)
	}
	if cfg.PerHost <= 0 {
		cfg.PerHost = cfg.NetworkConcurrency
	}
	cfg.Timeout = orDefault(cfg.Timeout, 10*time.Minute)
	cfg.StatusTimeout = orDefault(cfg.StatusTimeout, time.Minute)
	if cfg.Retry.Attempts <= 0 {
		cfg.Retry.Attempts = 3
	}
	cfg.Retry.Base = orDefault(cfg.Retry.Base, 500*time.Millisecond)
	cfg.Retry.Max = orDefault(cfg.Retry.Max, 10*time.Second)
	cfg.LockWait = orDefault(cfg.LockWait, 10*time.Minute)
	if cfg.LockDir == "" {
		cfg.LockDir = DefaultLockDir()
	}
	cfg.StallTimeout = orDefault(cfg.StallTimeout, time.Minute)
	if cfg.MaxWait == 0 {
		cfg.MaxWait = time.Minute
	}
	if cfg.HostFailures == 0 {
		cfg.HostFailures = 5
	}
	if cfg.EventBuffer <= 0 {
		cfg.EventBuffer = 1024
	}
	network := newPool(cfg.NetworkConcurrency, cfg.PerHost)
	if adaptive {
		network = newAdaptivePool(cfg.Adaptive)
	}
	return &Engine{
		cfg:     cfg,
		network: network,
		disk:    newPool(cfg.DiskConcurrency, 0),
		events:  make(chan Event, cfg.EventBuffer),
	}
}

// Events is the one stream every presenter consumes. It is closed by Close.
// The consumer must keep reading until then: every event but OpProgress
// waits for room in the channel.
func (e *Engine) Events() <-chan Event { return e.events }

// Submit enqueues plan and returns its run ID at once; the run's results
// arrive only as events, ending with RunFinished. Cancelling ctx cancels the
// run: every git process stops within a second and the run finishes with
// Summary.Interrupted set.
//
// The run first emits RepoFound once per distinct repository and OpQueued
// once per job, in plan order, then runs the jobs. Jobs of one repository
// run one after another in plan order; jobs of different repositories run
// concurrently within the pool limits. When ctx is cancelled, jobs still
// waiting for a worker finish as skipped with Cancelled CancelNotStarted
// (Detail "not started", no error), and running ones as skipped with
// Cancelled CancelStopped (Detail "stopped", Err wrapping context.Canceled):
// the summary counts them as NotStarted and Stopped, not as failures.
//
// Submit after Close returns "" and runs nothing.
func (e *Engine) Submit(ctx context.Context, plan Plan) string {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return ""
	}
	e.runs.Add(1)
	e.mu.Unlock()

	id := plan.RunID
	if id == "" {
		id = NewRunID()
	}
	r := newRun(e, ctx, id, plan)
	go func() {
		defer e.runs.Done()
		r.execute()
	}()
	return r.id
}

// Close waits for every submitted run to finish, then closes Events.
// Cancel the runs' contexts first for a prompt shutdown.
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()
	e.runs.Wait()
	e.sendMu.Lock()
	close(e.events)
	e.sendMu.Unlock()
}

// emit sends the event build makes, blocking until the consumer has room.
func (e *Engine) emit(runID, repoID string, build func(Meta) Event) {
	e.sendMu.Lock()
	defer e.sendMu.Unlock()
	e.seq++
	e.events <- build(Meta{RunID: runID, RepoID: repoID, Seq: e.seq, Time: time.Now()})
}

// tryEmit sends without ever blocking: it gives up when another send holds
// the lock (it may be waiting on a full channel) or the channel is full. It
// is for OpProgress, which is called from inside git operations.
func (e *Engine) tryEmit(runID, repoID string, build func(Meta) Event) bool {
	if !e.sendMu.TryLock() {
		return false
	}
	defer e.sendMu.Unlock()
	if len(e.events) == cap(e.events) {
		return false
	}
	e.seq++
	// Only senders holding sendMu write to the channel, so the room seen
	// above is still there.
	e.events <- build(Meta{RunID: runID, RepoID: repoID, Seq: e.seq, Time: time.Now()})
	return true
}

// NewRunID returns a short random hex identifier for a run (12 hex
// digits). The engine names its runs with it, and the sync loop its
// process, so every run_id in the logs has one shape.
func NewRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
