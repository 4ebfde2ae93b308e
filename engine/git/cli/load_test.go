package cli

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestStatusUnderCPUHog runs status of many repositories while every CPU is
// kept busy by spinning goroutines (more of them than GOMAXPROCS), and
// checks every answer. A busy machine may make answers slow, never wrong:
// nothing here is bounded by the wall clock.
func TestStatusUnderCPUHog(t *testing.T) {
	gittest.Isolate(t)
	const repos = 40
	dirs := make([]string, repos)
	for i := range dirs {
		// One repository built with git, copied 40 times: the answers
		// under load are what the test checks, not the setup.
		dirs[i] = gittest.CachedTree(t, "cli cpu hog repo", func(t testing.TB, dir string) {
			gittest.InitRepo(t, dir)
			gittest.Commit(t, dir, "a.txt", "a", "first")
		})
		if i%2 == 1 { // every other one dirty, so answers differ
			gittest.WriteFile(t, dirs[i], "a.txt", "changed")
		}
	}

	var stop atomic.Bool
	var hogs sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		hogs.Go(func() {
			n := 0
			for !stop.Load() {
				n++ // spin
			}
			_ = n
		})
	}
	defer func() { stop.Store(true); hogs.Wait() }()

	b := New()
	errs := make([]error, repos)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	// Each round asks the same 40 questions again while the hogs spin
	// (burning every core for as long as the test runs): one round under
	// the race detector, three in .ci/run's run without it.
	for round := range gittest.Sample(3, 1, 1) {
		for i, d := range dirs {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				st, err := b.Status(context.Background(), d)
				switch {
				case err != nil:
					errs[i] = fmt.Errorf("round %d: %w", round, err)
				case st.Branch == "" || st.NoCommits:
					errs[i] = fmt.Errorf("round %d: branch %q nocommits %v", round, st.Branch, st.NoCommits)
				case (i%2 == 1) != (st.Unstaged == 1):
					errs[i] = fmt.Errorf("round %d: unstaged %d", round, st.Unstaged)
				}
			})
		}
		wg.Wait()
	}
	for i, err := range errs {
		if err != nil {
			t.Errorf("repository %d: %v", i, err)
		}
	}
}
