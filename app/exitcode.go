package app

import (
	"errors"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
)

// Exit codes of mgit, decided in the command layer only: the engine and
// the presenters report facts (a Summary's counts, a sync cycle's
// outcome, an error's class) and this file maps them to a process exit
// status.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitAuth        = 3
	exitInterrupted = 130
)

// runExitCode is mgit's exit status for a finished run, decided here in
// the command layer from the facts the engine and the presenter report:
// 130 when interrupted, 3 when every failure was an authentication
// failure, 1 when anything failed — or, with --fail-on-dirty, when any
// repository has local changes — else 0.
func runExitCode(s engine.Summary, dirty int, failOnDirty bool) int {
	switch {
	case s.Interrupted:
		return exitInterrupted
	case s.Failed > 0 && s.AuthFailed == s.Failed:
		return exitAuth
	case s.Failed > 0:
		return exitFailed
	case failOnDirty && dirty > 0:
		return exitFailed
	default:
		return exitOK
	}
}

// summaryExitCode is runExitCode without --fail-on-dirty (sync, whose
// cycles only clone, fetch and pull).
func summaryExitCode(s engine.Summary) int { return runExitCode(s, 0, false) }

// syncCycleExitCode is the exit status of one sync cycle: 130 when it was
// interrupted; when the listing failed with nothing listed, 3 if the
// provider refused the token, else 1; 1 at least when anything failed;
// else the operations' (summaryExitCode).
func syncCycleExitCode(c syncloop.CycleOutcome) int {
	code := summaryExitCode(c.Summary)
	switch {
	case c.Result == syncloop.ResultInterrupted:
		return exitInterrupted
	case c.Result == syncloop.ResultOK:
		return code
	case c.ListErr != nil && c.Discovered == 0:
		if errors.Is(c.ListErr, provider.ErrUnauthorized) {
			return exitAuth
		}
		return exitFailed
	}
	return max(code, exitFailed)
}

// syncExitCode is the exit status of a sync run: 0 after a stop between
// cycles, else the last cycle's (the one cycle of --once, or 130 for a
// cycle the stop interrupted).
func syncExitCode(o syncloop.Outcome) int {
	if o.Stopped {
		return exitOK
	}
	return syncCycleExitCode(o.Last)
}
