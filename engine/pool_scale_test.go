package engine

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// A waiting ticket holds no goroutine: enqueueStart starts one only when
// the slot is granted, and wake starts the rest.
func TestPoolStartsGoroutinesOnlyOnGrant(t *testing.T) {
	p := newPool(2, 0)
	var started atomic.Int64
	gate := make(chan struct{})
	var wg sync.WaitGroup
	var ts []*ticket
	for range 100 {
		wg.Add(1)
		var tk *ticket
		ready := make(chan struct{})
		tk = p.enqueueStart("", func() {
			defer wg.Done()
			<-ready
			started.Add(1)
			<-gate
			p.mu.Lock()
			granted := tk.granted
			p.mu.Unlock()
			if granted {
				p.release(tk)
			}
		})
		close(ready)
		ts = append(ts, tk)
	}
	p.mu.Lock()
	launched := 0
	for _, tk := range ts {
		if tk.launched {
			launched++
		}
	}
	p.mu.Unlock()
	if launched != 2 {
		t.Fatalf("%d goroutines launched for 100 tickets on a pool of 2, want 2", launched)
	}
	p.wake(ts)
	p.mu.Lock()
	for i, tk := range ts {
		if !tk.launched {
			t.Errorf("ticket %d not launched after wake", i)
		}
	}
	p.mu.Unlock()
	close(gate)
	wg.Wait()
	if n := started.Load(); n != 100 {
		t.Fatalf("%d starts, want 100 (each ticket's goroutine exactly once)", n)
	}
}

// A run of many repositories holds goroutines for the jobs that can run,
// not one per waiting repository (10,000 parked goroutines were 20 MiB of
// stacks in `mgit status` of 10,000 repositories).
func TestRunGoroutinesBoundedByPool(t *testing.T) {
	const n = 2000
	base := runtime.NumGoroutine()
	var mu sync.Mutex
	most := 0
	fake := &fakeBackend{status: func(ctx context.Context, dir string) (git.Status, error) {
		mu.Lock()
		most = max(most, runtime.NumGoroutine()-base)
		mu.Unlock()
		return git.Status{Branch: "main"}, nil
	}}
	res := submit(t, Config{Backend: fake, DiskConcurrency: 2}, context.Background(), Plan{Jobs: repos(n, "", OpStatus)})
	if res.summary.OK != n {
		t.Fatalf("summary %+v, want %d ok", res.summary, n)
	}
	if most > 50 {
		t.Fatalf("%d goroutines while %d status jobs ran 2 at a time, want a few", most, n)
	}
}
