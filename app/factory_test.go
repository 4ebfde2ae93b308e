package app

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/workspace"
)

func TestRunExitCode(t *testing.T) {
	for _, tc := range []struct {
		s           engine.Summary
		dirty       int
		failOnDirty bool
		want        int
	}{
		{engine.Summary{OK: 3}, 0, false, exitOK},
		{engine.Summary{OK: 3}, 2, false, exitOK},
		{engine.Summary{OK: 3}, 2, true, exitFailed},
		{engine.Summary{Failed: 2, AuthFailed: 1}, 0, false, exitFailed},
		{engine.Summary{Failed: 2, AuthFailed: 2}, 0, true, exitAuth},
		{engine.Summary{Failed: 2, AuthFailed: 2, Interrupted: true}, 0, false, exitInterrupted},
		{engine.Summary{Interrupted: true}, 1, true, exitInterrupted},
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
	cfg := f.engineConfig(nil, nil, obs, f.logs.log)
	if cfg.NetworkConcurrency != 7 || cfg.DiskConcurrency != 7 || cfg.Timeout != time.Minute ||
		cfg.StatusTimeout != time.Minute || cfg.StallTimeout != 2*time.Minute || cfg.LockWait != 3*time.Minute {
		t.Errorf("config %+v", cfg)
	}
}

// The constructors put the flags into Options and hand them to runF: a
// command's parsing is tested without running anything.
func TestNewCmdOptions(t *testing.T) {
	f := newFactory(io.Discard, io.Discard, func(string) string { return "" }, ChooseBackend)
	f.conf.cfg = &config.Config{Layout: "flat"}
	var clone *CloneOptions
	cmd := NewCmdClone(f, func(_ context.Context, o *CloneOptions) error { clone = o; return nil })
	cmd.SetArgs([]string{"--depth", "2", "--update-mode", "force", "--discard-local-changes", "https://h/o/r", "dir"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if clone == nil || clone.Depth != 2 || clone.UpdateMode != "force" || !clone.DiscardLocalChanges ||
		clone.Layout != "flat" || len(clone.Args) != 2 || clone.Args[1] != "dir" {
		t.Fatalf("clone options %+v", clone)
	}
	eopt, layout, err := clone.engineOptions()
	if err != nil || eopt.Depth != 2 || eopt.UpdateMode != engine.UpdateForce || !eopt.DiscardLocalChanges || layout != workspace.LayoutFlat {
		t.Fatalf("engine options %+v %q %v", eopt, layout, err)
	}

	var st *StatusOptions
	cmd = NewCmdStatus(f, func(_ context.Context, o *StatusOptions) error { st = o; return nil })
	cmd.SetArgs([]string{"--all", "--fail-on-dirty", "--max-depth", "0", "ws"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if st == nil || !st.All || !st.FailOnDirty || st.Fetch || st.Dir != "ws" {
		t.Fatalf("status options %+v", st)
	}
	if dopt, err := f.disc.options(f.getenv); err != nil || dopt.MaxDepth != workspace.DepthRootOnly {
		t.Fatalf("discovery options %+v %v", dopt, err)
	}
}
