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
// RunFinished.
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
}

// OpFinished reports the end of an operation. Err is nil when
// Result.Outcome is ok or skipped.
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
