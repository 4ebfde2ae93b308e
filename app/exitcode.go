package app

import "github.com/mgit-dev/mgit/engine"

// runExitCode is mgit's exit status for a finished run, decided here in
// the command layer from the facts the engine and the presenter report:
// 130 when interrupted, 3 when every failure was an authentication
// failure, 1 when anything failed — or, with --fail-on-dirty, when any
// repository has local changes — else 0.
func runExitCode(s engine.Summary, dirty int, failOnDirty bool) int {
	switch {
	case s.Interrupted:
		return engine.ExitInterrupted
	case s.Failed > 0 && s.AuthFailed == s.Failed:
		return engine.ExitAuth
	case s.Failed > 0:
		return engine.ExitFailed
	case failOnDirty && dirty > 0:
		return engine.ExitFailed
	default:
		return engine.ExitOK
	}
}

// summaryExitCode is runExitCode without --fail-on-dirty (sync, whose
// cycles only clone, fetch and pull).
func summaryExitCode(s engine.Summary) int { return runExitCode(s, 0, false) }
