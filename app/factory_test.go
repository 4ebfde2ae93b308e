package app

import (
	"io"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
)

func TestRunExitCode(t *testing.T) {
	for _, tc := range []struct {
		s           engine.Summary
		dirty       int
		failOnDirty bool
		want        int
	}{
		{engine.Summary{OK: 3}, 0, false, engine.ExitOK},
		{engine.Summary{OK: 3}, 2, false, engine.ExitOK},
		{engine.Summary{OK: 3}, 2, true, engine.ExitFailed},
		{engine.Summary{Failed: 2, AuthFailed: 1}, 0, false, engine.ExitFailed},
		{engine.Summary{Failed: 2, AuthFailed: 2}, 0, true, engine.ExitAuth},
		{engine.Summary{Failed: 2, AuthFailed: 2, Interrupted: true}, 0, false, engine.ExitInterrupted},
		{engine.Summary{Interrupted: true}, 1, true, engine.ExitInterrupted},
	} {
		if got := runExitCode(tc.s, tc.dirty, tc.failOnDirty); got != tc.want {
			t.Errorf("runExitCode(%+v, %d, %v) = %d, want %d", tc.s, tc.dirty, tc.failOnDirty, got, tc.want)
		}
	}
}

// Every command's engine gets the same limits from the global flags: sync
// once built its own Config and left disk concurrency at the default.
func TestEngineConfigFromGlobals(t *testing.T) {
	f := newFactory(io.Discard, io.Discard, func(string) string { return "" }, ChooseBackend)
	f.g.concurrency, f.g.timeout, f.g.stallTimeout, f.g.lockWait = 7, time.Minute, 2*time.Minute, 3*time.Minute
	obs := &observability{}
	cfg := f.engineConfig(nil, nil, obs, f.log)
	if cfg.NetworkConcurrency != 7 || cfg.DiskConcurrency != 7 || cfg.Timeout != time.Minute ||
		cfg.StatusTimeout != time.Minute || cfg.StallTimeout != 2*time.Minute || cfg.LockWait != 3*time.Minute {
		t.Errorf("config %+v", cfg)
	}
}
