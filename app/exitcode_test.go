package app

import (
	"errors"
	"fmt"
	"testing"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
)

// TestSyncExitCode: the sync loop reports facts and app alone turns them
// into exit statuses — 0 after a clean stop, 130 for an interrupted cycle,
// 3 for a listing refused for its token, 1 for any other failure.
func TestSyncExitCode(t *testing.T) {
	unauthorized := fmt.Errorf("list gh: %w", provider.ErrUnauthorized)
	for _, tc := range []struct {
		name string
		out  syncloop.Outcome
		want int
	}{
		{"stopped between cycles", syncloop.Outcome{Cycles: 3, Stopped: true,
			Last: syncloop.CycleOutcome{Result: syncloop.ResultFailed}}, exitOK},
		{"ok", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultOK,
			Summary: engine.Summary{OK: 2}, Discovered: 2}}, exitOK},
		{"interrupted", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultInterrupted,
			Summary: engine.Summary{Interrupted: true}}}, exitInterrupted},
		{"listing unauthorized", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultFailed,
			ListErr: unauthorized}}, exitAuth},
		{"listing failed", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultFailed,
			ListErr: errors.New("list gh: 503")}}, exitFailed},
		{"partial listing", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultPartial,
			ListErr: unauthorized, Discovered: 1, Summary: engine.Summary{OK: 1}}}, exitFailed},
		{"every operation refused its token", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultFailed,
			Discovered: 2, Summary: engine.Summary{Failed: 2, AuthFailed: 2}}}, exitAuth},
		{"some operations failed", syncloop.Outcome{Cycles: 1, Last: syncloop.CycleOutcome{Result: syncloop.ResultPartial,
			Discovered: 2, Summary: engine.Summary{OK: 1, Failed: 1}}}, exitFailed},
	} {
		if got := syncExitCode(tc.out); got != tc.want {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.want)
		}
	}
}
