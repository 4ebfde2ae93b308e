package engine

import "time"

// Exit codes of mgit, decided in one place from a run's Summary.
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

// ExitCode maps the summary to mgit's exit status: 130 when interrupted, 3
// when every failure was an authentication failure, 1 when anything failed,
// else 0.
func (s Summary) ExitCode() int {
	switch {
	case s.Interrupted:
		return ExitInterrupted
	case s.Failed > 0 && s.AuthFailed == s.Failed:
		return ExitAuth
	case s.Failed > 0:
		return ExitFailed
	default:
		return ExitOK
	}
}
