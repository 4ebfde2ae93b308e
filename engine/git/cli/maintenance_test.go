package cli

import (
	"context"
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// maintenanceOverridden reports whether c carries maintenance.auto=false.
func maintenanceOverridden(c command) bool {
	for i := 0; ; i++ {
		k, ok := envValue(c.env, "GIT_CONFIG_KEY_"+strconv.Itoa(i))
		if !ok {
			return false
		}
		if v, _ := envValue(c.env, "GIT_CONFIG_VALUE_"+strconv.Itoa(i)); k == "maintenance.auto" && v == "false" {
			return true
		}
	}
}

// contentIn17 returns file contents whose blob ids start with 17, so they
// land in objects/17, the directory git samples to estimate loose objects.
func contentIn17(n int) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		body := fmt.Sprintf("sample %d\n", i)
		sum := sha1.Sum([]byte(fmt.Sprintf("blob %d\x00%s", len(body), body)))
		if sum[0] == 0x17 {
			out = append(out, body)
		}
	}
	return out
}

// TestMaintenanceLeftToGitWhenDue: with more loose objects than gc.auto
// allows, fetch gets no override and git's own auto-gc packs them; in a
// fresh clone the override is present and the fetch still works.
func TestMaintenanceLeftToGitWhenDue(t *testing.T) {
	seed, work := seedAndClone(t)
	b, rec := recordingBackend(t)
	ctx := context.Background()

	if !maintenanceIdle(work, os.Environ()) {
		t.Fatal("a fresh clone needs maintenance?")
	}
	gittest.Commit(t, seed, "n.txt", "n\n", "upstream")
	if err := b.Fetch(ctx, work, git.FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	if c := rec.calls[0]; c.args[0] != "fetch" || !maintenanceOverridden(c) {
		t.Errorf("fetch in an idle repository: %q without maintenance.auto=false", c.args)
	}
	rec.calls = nil

	// Loose objects past the threshold: gc.auto=256 allows one object in
	// objects/17; commit three (reachable, so gc packs them).
	gittest.Git(t, work, "config", "gc.auto", "0")
	for i, body := range contentIn17(3) {
		gittest.Commit(t, work, "s"+strconv.Itoa(i), body, "sample")
	}
	gittest.Git(t, work, "config", "gc.auto", "256")
	gittest.Git(t, work, "config", "gc.autoDetach", "false") // gc in the foreground, so we can see it
	loose, _ := countLoose(filepath.Join(work, ".git", "objects", "17"))
	if loose < 3 {
		t.Fatalf("fixture: %d loose objects in objects/17", loose)
	}
	if maintenanceIdle(work, os.Environ()) {
		t.Fatal("maintenanceIdle with loose objects over gc.auto")
	}
	gittest.Commit(t, seed, "m.txt", "m\n", "upstream again")
	if err := b.Fetch(ctx, work, git.FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	if maintenanceOverridden(rec.calls[0]) {
		t.Error("maintenance overridden while gc is due")
	}
	if loose, _ := countLoose(filepath.Join(work, ".git", "objects", "17")); loose != 0 {
		t.Errorf("git did not run auto gc: %d loose objects left in objects/17", loose)
	}
}

// TestMaintenanceMergeOverride: pull's merge gets the override too, checked
// again after the fetch.
func TestMaintenanceMergeOverride(t *testing.T) {
	seed, work := seedAndClone(t)
	b, rec := recordingBackend(t)
	gittest.Commit(t, seed, "n.txt", "n\n", "upstream")
	if _, err := b.Pull(context.Background(), work, git.PullOptions{}); err != nil {
		t.Fatal(err)
	}
	var overridden []string
	for _, c := range rec.calls {
		if maintenanceOverridden(c) {
			overridden = append(overridden, c.args[0])
		}
	}
	if !slices.Equal(overridden, []string{"fetch", "merge"}) {
		t.Errorf("overridden: %q, want fetch and merge", overridden)
	}
}

// TestMaintenanceIdleSettings covers the settings that decide the check.
func TestMaintenanceIdleSettings(t *testing.T) {
	_, work := seedAndClone(t)
	packDir := filepath.Join(work, ".git", "objects", "pack")
	touch := func(name string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(packDir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	packs, _ := countPacks(packDir)
	for _, tc := range []struct {
		name   string
		config [][2]string
		files  []string
		env    []string
		want   bool
	}{
		{"defaults", nil, nil, nil, true},
		{"strategy set", [][2]string{{"maintenance.strategy", "incremental"}}, nil, nil, false},
		{"a task enabled", [][2]string{{"maintenance.commit-graph.enabled", "true"}}, nil, nil, false},
		{"maintenance.auto off", [][2]string{{"maintenance.auto", "false"}}, nil, nil, false},
		{"gc.auto=0", [][2]string{{"gc.auto", "0"}, {"gc.autoPackLimit", "1"}}, []string{"x1.pack", "x2.pack"}, nil, true},
		{"unreadable gc.auto", [][2]string{{"gc.auto", "often"}}, nil, nil, false},
		{"too many packs", [][2]string{{"gc.autoPackLimit", strconv.FormatInt(packs+1, 10)}}, []string{"x1.pack", "x2.pack"}, nil, false},
		{"kept packs do not count", [][2]string{{"gc.autoPackLimit", strconv.FormatInt(packs+1, 10)}},
			[]string{"x1.pack", "x1.keep", "x2.pack", "x2.keep"}, nil, true},
		{"pack limit off", [][2]string{{"gc.autoPackLimit", "0"}}, []string{"x1.pack", "x2.pack", "x3.pack"}, nil, true},
		{"config in the environment", nil, nil, []string{"GIT_CONFIG_PARAMETERS='gc.auto'='1'"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgPath := filepath.Join(work, ".git", "config")
			saved, err := os.ReadFile(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				_ = os.WriteFile(cfgPath, saved, 0o644)
				for _, f := range tc.files {
					_ = os.Remove(filepath.Join(packDir, f))
				}
			}()
			for _, kv := range tc.config {
				gittest.Git(t, work, "config", kv[0], kv[1])
			}
			for _, f := range tc.files {
				touch(f)
			}
			if got := maintenanceIdle(work, append(os.Environ(), tc.env...)); got != tc.want {
				t.Errorf("maintenanceIdle = %v, want %v", got, tc.want)
			}
		})
	}
	// The global configuration counts too.
	gittest.Git(t, "", "config", "--global", "maintenance.strategy", "incremental")
	if maintenanceIdle(work, os.Environ()) {
		t.Error("maintenanceIdle ignores a global maintenance.strategy")
	}
}
