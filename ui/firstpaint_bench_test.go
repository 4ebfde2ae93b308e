package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// hugeWorkspace is n repositories with cached statuses on disk, as the
// last run saved them.
func hugeWorkspace(b *testing.B, n int) Options {
	root := "/ws"
	var repos []workspace.Repo
	entries := map[string]state.Entry{}
	for i := range n {
		id := fmt.Sprintf("github.com/org%02d/repo-%05d", i%20, i)
		repos = append(repos, workspace.Repo{Path: filepath.Join(root, id), Rel: id, Kind: workspace.KindRepo})
		entries[id] = state.Entry{Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: i % 3, Unstaged: i % 5,
			Head: git.Commit{SHA: "0123456789abcdef0123456789abcdef01234567", Subject: fmt.Sprintf("commit %d", i), Author: "Ada",
				Time: testNow.Add(-time.Duration(i) * time.Hour)}}, Checked: testNow,
			// As a dashboard saves it: every row has the result of its
			// last status read.
			Last: &state.OpResult{Op: "status", Outcome: "ok", Duration: 400 * time.Microsecond, Finished: testNow, Attempts: 1}}
	}
	store := state.Open(b.TempDir(), zerolog.Nop())
	if err := store.Save(root, withPlaces(entries, repos)); err != nil {
		b.Fatal(err)
	}
	opt := fixture(b)
	opt.Root, opt.Repos, opt.State, opt.Remote = root, repos, store, nil
	return opt
}

// BenchmarkFirstPaint10000 reads the cache file of 10,000 repositories,
// builds the model and renders the first frame: what happens before the
// first paint when discovery runs after it.
func BenchmarkFirstPaint10000(b *testing.B) {
	opt := hugeWorkspace(b, 10000)
	opt = cacheFirst(opt)
	b.ReportAllocs()
	cpu := cpuTime(b)
	for b.Loop() {
		m, _ := newTestModel(b, opt, 200, 60)
		if len(m.View().Content) == 0 || m.table.Stats().Total != 10000 {
			b.Fatalf("rows = %d", m.table.Stats().Total)
		}
	}
	cpu.report(b)
}

// BenchmarkFirstPaint10000AfterDiscovery is the first paint as it was
// before the cache knew the repositories: discovery walks a workspace of
// 10,000 repositories, then the cache is read and the first frame drawn.
func BenchmarkFirstPaint10000AfterDiscovery(b *testing.B) {
	root := b.TempDir()
	opt := hugeWorkspace(b, 10000)
	for i := range opt.Repos {
		if err := os.MkdirAll(filepath.Join(root, opt.Repos[i].Rel, ".git"), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	// The cache of root, not of /ws.
	entries := opt.State.Load(opt.Root)
	if err := opt.State.Save(root, entries); err != nil {
		b.Fatal(err)
	}
	opt.Root = root
	b.ReportAllocs()
	cpu := cpuTime(b)
	for b.Loop() {
		repos, err := workspace.Discover(context.Background(), root, workspace.Options{IncludeWorktrees: true})
		if err != nil || len(repos) != 10000 {
			b.Fatalf("discovered %d, %v", len(repos), err)
		}
		opt.Repos = repos
		m, _ := newTestModel(b, opt, 200, 60)
		if len(m.View().Content) == 0 || m.table.Stats().Total != 10000 {
			b.Fatalf("rows = %d", m.table.Stats().Total)
		}
	}
	cpu.report(b)
}

// cpuClock is the process's CPU time at the start of a benchmark's loop:
// on a loaded machine the wall time per operation says more about the
// other processes than about this one.
type cpuClock struct{ start time.Duration }

func cpuTime(b *testing.B) cpuClock {
	b.Helper()
	return cpuClock{start: processCPU(b)}
}

func (c cpuClock) report(b *testing.B) {
	b.ReportMetric(float64((processCPU(b)-c.start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// withPlaces adds to entries the place of each repository, as a
// dashboard saves them.
func withPlaces(entries map[string]state.Entry, repos []workspace.Repo) map[string]state.Entry {
	for _, r := range repos {
		e := entries[r.Rel]
		e.Path, e.Kind = r.Path, string(r.Kind)
		entries[r.Rel] = e
	}
	return entries
}

// cacheFirst makes opt paint from the cache, discovery (Rediscover)
// running after the first frame.
func cacheFirst(opt Options) Options {
	opt.Repos = nil
	opt.PaintFromCache = true
	return opt
}
