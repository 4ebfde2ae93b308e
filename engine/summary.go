package engine

import "time"

// Exit codes of mgit. Which one a run earns is decided by the command
// layer (app) from the Summary's facts; the engine only counts.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitUsage       = 2
	ExitAuth        = 3
	ExitInterrupted = 130
)

// Summary counts the outcomes of a run.
type Summary struct {
	OK, Failed, Skipped int
	// Stopped counts operations that were running when the run was
	// cancelled, NotStarted those still waiting; neither is in Failed or
	// Skipped.
	Stopped, NotStarted int
	// AuthFailed counts failures classified as authentication failures
	// (included in Failed).
	AuthFailed int
	// Interrupted is true when the run's context was cancelled before every
	// operation finished.
	Interrupted bool
	Duration    time.Duration
}
