package engine

import (
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// Meta is carried by every event. Seq increases by one for every event the
// engine emits (across runs), so consumers can detect order; events of one
// repository are always emitted in order.
type Meta struct {
	RunID  string
	RepoID string // empty for run-level events
	Seq    uint64
	Time   time.Time
}

// Event is one of RepoFound, OpQueued, OpStarted, OpProgress, OpFinished,
// RunFinished and the run-level NetworkLimit.
type Event interface {
	EventMeta() Meta
}

// EventMeta returns the event's metadata.
func (m Meta) EventMeta() Meta { return m }

// RepoFound announces a repository taking part in a run.
type RepoFound struct {
	Meta
	Repo Repo
}

// OpQueued says an operation waits for a worker.
type OpQueued struct {
	Meta
	Op   Op
	OpID string
}

// OpStarted says an operation began (again, when Attempt > 1).
type OpStarted struct {
	Meta
	Op      Op
	OpID    string
	Attempt int
}

// OpProgress reports transfer progress. It is rate-limited and dropped rather
// than blocking when the consumer is slow.
type OpProgress struct {
	Meta
	Op       Op
	OpID     string
	Progress git.Progress
	// Output is a line an OpExec command wrote (ExecOptions.Stream);
	// Progress is then empty.
	Output *ExecLine
}

// Result is what a finished operation produced.
type Result struct {
	Outcome Outcome
	// Status is the repository's state after the operation, when known
	// (always for OpStatus).
	Status *git.Status
	// Detail is a short human summary: "up to date", "fast-forwarded
	// 1a2b3c4..5d6e7f8", "cloned", "exists, skipped".
	Detail string
	// Attempts is how many times the operation ran (retries + 1).
	Attempts int
	// Existed says OpClone found a clone already at the destination (and
	// did with it what Options.UpdateMode says) rather than cloning anew.
	Existed bool
	// Checkout says what OpCheckout did, or with DryRun would do; empty
	// for other operations or when it failed before deciding.
	Checkout CheckoutAction
	// Commits are the most recent commits, newest first (OpInspect).
	Commits []git.Commit
	// Changes are the changed paths of the work tree (OpInspect).
	Changes []git.FileChange
	// Exec is what OpExec's command left: exit code and output.
	Exec *ExecResult
	// Refs says what a fetch or pull moved (Detail is its String); nil
	// when it was not computed (other operations, a failure, a repository
	// whose refs cannot be read in-process).
	Refs *git.RefChanges
	// Cancelled is set when the run's cancellation kept the operation
	// from finishing: it was stopped, or never started. Outcome is then
	// skipped.
	Cancelled Cancellation
}

// CheckoutAction is what a checkout does in one repository.
type CheckoutAction string

// The checkout actions.
const (
	// CheckoutCurrent: the branch is already checked out; nothing to do.
	CheckoutCurrent CheckoutAction = "current"
	// CheckoutSwitch: the branch exists locally.
	CheckoutSwitch CheckoutAction = "switch"
	// CheckoutTrack: the branch is created from, and tracks, the
	// remote-tracking branch of the same name.
	CheckoutTrack CheckoutAction = "track"
	// CheckoutCreate: the branch is created from HEAD.
	CheckoutCreate CheckoutAction = "create"
	// CheckoutMissing: the branch exists nowhere and CreateBranch is off.
	CheckoutMissing CheckoutAction = "missing"
)

// OpFinished reports the end of an operation. Err is nil when
// Result.Outcome is ok or skipped, except for an operation the run's
// cancellation stopped (Result.Cancelled is CancelStopped), whose Err says
// what was interrupted.
type OpFinished struct {
	Meta
	Op       Op
	OpID     string
	Result   Result
	Err      error
	Duration time.Duration
}

// RunFinished is the last event of a run.
type RunFinished struct {
	Meta
	Summary Summary
}

// NetworkLimit says how many network operations the engine allows at once
// against Host: once when a run first meets the host, then at every change
// the adaptive limiter makes (limit.go). It is a run-level event (RepoID
// empty) of the run whose attempt caused it; the value holds for every
// later run of the engine.
type NetworkLimit struct {
	Meta
	Host string
	// Provider is the configured provider of the repository that caused
	// the event ("" for repositories found only on disk).
	Provider string
	Limit    int
	Previous int // 0 when first announced
	// Total is the engine's network concurrency over every host it has
	// announced: the sum of their limits, at most the overall limit.
	Total    int
	Adaptive bool
	Reason   LimitReason
}
