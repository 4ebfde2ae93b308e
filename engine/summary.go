package engine

import "time"

// Summary counts the outcomes of a run. These are facts; which process
// exit status a run earns is decided by the command layer (app) alone.
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
