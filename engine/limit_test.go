package engine

import (
	"container/heap"
	"testing"
	"time"
)

// The limiter is driven here by a discrete-event simulation of one host: no
// goroutines, no wall clock. Operations start whenever the limit has room
// (the queue never runs dry unless jobs says so), take the latency the host
// model gives for the number in flight at their start, and are answered 429
// when the host limits concurrency and they found it over its limit.

// hostModel is a synthetic host.
type hostModel struct {
	// latency of an operation started with n in flight (itself included)
	// at time t, from the start of the trace.
	latency func(n int, t time.Duration) time.Duration
	// throttle above this many in flight (0: never) until throttleUntil
	// (0: for ever).
	throttle      int
	throttleUntil time.Duration
	// failBetween: every operation started in [failFrom, failTo) fails
	// with a network error.
	failFrom, failTo time.Duration
	bytes            func(n int) int64 // bytes per operation (nil: unknown)
}

// simOp is one running operation.
type simOp struct {
	start, end time.Time
	outcome    outcome
	bytes      int64
	seq        int
}

type opHeap []simOp

func (h opHeap) Len() int { return len(h) }
func (h opHeap) Less(i, j int) bool {
	if !h[i].end.Equal(h[j].end) {
		return h[i].end.Before(h[j].end)
	}
	return h[i].seq < h[j].seq
}
func (h opHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *opHeap) Push(x any)   { *h = append(*h, x.(simOp)) }
func (h *opHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// trace is what a simulation recorded.
type trace struct {
	changes []limitChange
	at      []time.Duration // of each change
	maxSeen int             // most in flight at once
	start   time.Time
}

// limitAt is the limit in force at t.
func (tr trace) limitAt(initial int, t time.Duration) int {
	n := initial
	for i, c := range tr.changes {
		if tr.at[i] > t {
			break
		}
		n = c.To
	}
	return n
}

// maxBetween is the highest limit chosen by a change in [from, to).
func (tr trace) maxBetween(from, to time.Duration) int {
	m := 0
	for i, c := range tr.changes {
		if tr.at[i] >= from && tr.at[i] < to {
			m = max(m, c.To)
		}
	}
	return m
}

func (tr trace) reasons() map[LimitReason]int {
	out := map[LimitReason]int{}
	for _, c := range tr.changes {
		out[c.Reason]++
	}
	return out
}

// simulate runs operations against h through l until the trace reaches
// until.
func simulate(t *testing.T, l *limiter, h hostModel, until time.Duration) trace {
	t.Helper()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	tr := trace{start: t0}
	var running opHeap
	seq := 0
	for now.Sub(t0) < until {
		for running.Len() < l.limit {
			n := running.Len() + 1
			el := now.Sub(t0)
			op := simOp{start: now, end: now.Add(h.latency(n, el)), seq: seq}
			seq++
			switch {
			case h.throttle > 0 && n > h.throttle && (h.throttleUntil == 0 || el < h.throttleUntil):
				op.outcome = outcomeRateLimited
			case el >= h.failFrom && el < h.failTo:
				op.outcome = outcomeFailed
			}
			if h.bytes != nil {
				op.bytes = h.bytes(n)
			}
			l.acquire(now)
			heap.Push(&running, op)
			tr.maxSeen = max(tr.maxSeen, running.Len())
		}
		op := heap.Pop(&running).(simOp)
		now = op.end
		ch := l.observe(sample{start: op.start, end: op.end, bytes: op.bytes, outcome: op.outcome})
		l.release(now)
		if ch != nil {
			if ch.To < 1 || ch.To > l.max || ch.To != l.limit {
				t.Fatalf("limit %d out of [1, %d] (limiter says %d)", ch.To, l.max, l.limit)
			}
			tr.changes = append(tr.changes, *ch)
			tr.at = append(tr.at, now.Sub(t0))
		}
	}
	return tr
}

func constant(d time.Duration) func(int, time.Duration) time.Duration {
	return func(int, time.Duration) time.Duration { return d }
}

// With latency independent of concurrency (a far host that is not busy),
// throughput grows with every step: the limit climbs to its maximum and
// stays there.
func TestLimiterGrowsToMaxWhileThroughputGrows(t *testing.T) {
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: constant(100 * time.Millisecond)}, time.Minute)
	if l.limit != 32 {
		t.Fatalf("limit %d after a minute of constant latency, want 32; changes %+v", l.limit, tr.changes)
	}
	if tr.changes[0].From != 4 || tr.changes[0].Reason != LimitThroughput {
		t.Fatalf("first change %+v, want growth from 4", tr.changes[0])
	}
	for _, c := range tr.changes {
		if c.To < c.From {
			t.Fatalf("decreased without cause: %+v", c)
		}
	}
}

// A host (or this machine) that serves at most 80 operations a second:
// past 8 in flight, latency grows in proportion, so throughput plateaus.
// The limiter stops near the knee instead of climbing to 32.
func TestLimiterStopsAtThroughputPlateau(t *testing.T) {
	knee := func(n int, _ time.Duration) time.Duration {
		return max(100*time.Millisecond, time.Duration(n)*12500*time.Microsecond)
	}
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: knee}, 2*time.Minute)
	if tr.reasons()[LimitPlateau] == 0 {
		t.Fatalf("no plateau decision: %+v", tr.changes)
	}
	// Slow start doubles, so its one step past the knee goes to twice
	// the knee (16; 12 when it grew by half), and no further.
	if m := tr.maxBetween(0, 2*time.Minute); m > 16 {
		t.Errorf("limit went to %d, far past the knee at 8", m)
	}
	// After the first plateau it only probes one above where it stopped.
	if m := tr.maxBetween(30*time.Second, 2*time.Minute); m > 11 {
		t.Errorf("limit %d in the second half, want at most 11: %+v", m, tr.changes)
	}
	if l.limit < 7 || l.limit > 11 {
		t.Errorf("settled at %d, want near the knee at 8", l.limit)
	}
}

// A host that answers 429 above 10 concurrent requests: the limit falls on
// the first 429 (by half), then grows back only by one at a time, so it
// saws just around the host's limit instead of hammering it.
func TestLimiterFallsOn429AndRecovers(t *testing.T) {
	const k = 10
	l := newLimiter(AdaptiveLimit{})
	h := hostModel{latency: constant(100 * time.Millisecond), throttle: k, throttleUntil: time.Minute}
	tr := simulate(t, l, h, 2*time.Minute)
	first := -1
	for i, c := range tr.changes {
		if c.Reason == LimitRateLimited {
			if c.To >= c.From {
				t.Fatalf("429 did not lower the limit: %+v", c)
			}
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		t.Fatalf("no 429 decision: %+v", tr.changes)
	}
	if c := tr.changes[first]; c.To != c.From/2 {
		t.Errorf("first 429: %d -> %d, want halved", c.From, c.To)
	}
	if m := tr.maxBetween(tr.at[first], time.Minute); m > k+1 {
		t.Errorf("after the first 429 the limit reached %d, host limit %d", m, k)
	}
	// The host stops limiting after a minute: the limit grows past it.
	if m := tr.maxBetween(time.Minute, 2*time.Minute); m <= k+1 {
		t.Errorf("no recovery once the host stopped limiting: max %d; %+v", m, tr.changes)
	}
}

// A burst of failures among the attempts that were in flight together
// lowers the limit once, by a quarter, not once per failure.
func TestLimiterErrorsDecreaseOncePerRound(t *testing.T) {
	l := newLimiter(AdaptiveLimit{})
	h := hostModel{latency: constant(100 * time.Millisecond), failFrom: 10 * time.Second, failTo: 10*time.Second + 50*time.Millisecond}
	tr := simulate(t, l, h, 12*time.Second)
	var errs []limitChange
	for _, c := range tr.changes {
		if c.Reason == LimitErrors {
			errs = append(errs, c)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("want one decrease for one burst, got %+v", errs)
	}
	if want := errs[0].From * 3 / 4; errs[0].To != want {
		t.Errorf("errors: %d -> %d, want %d", errs[0].From, errs[0].To, want)
	}
}

// Latency that rises for everybody (a congested host) shrinks the limit;
// when it falls back, the limit grows again. (A rise that lasts becomes the
// new baseline within a few windows: see TestLimiterAcceptsLastingLatency.)
func TestLimiterFallsOnLatencyRiseAndRecovers(t *testing.T) {
	lat := func(_ int, at time.Duration) time.Duration {
		if at >= 30*time.Second && at < 40*time.Second {
			return 600 * time.Millisecond
		}
		return 100 * time.Millisecond
	}
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: lat}, 90*time.Second)
	if got := tr.limitAt(4, 30*time.Second); got != 32 {
		t.Fatalf("limit %d before the rise, want 32", got)
	}
	var fell *limitChange
	for i, c := range tr.changes {
		if c.Reason == LimitLatency && tr.at[i] >= 30*time.Second {
			fell = &tr.changes[i]
			break
		}
	}
	if fell == nil || fell.From != 32 || fell.To != 16 || fell.Latency != 600*time.Millisecond {
		t.Fatalf("want the first latency decision to halve the limit: %+v", tr.changes)
	}
	if got := l.limit; got != 32 {
		t.Errorf("limit %d long after latency recovered, want 32 again", got)
	}
}

// Bytes a second count as throughput when every attempt reports them: with
// operations a second flat but each operation moving more bytes as
// concurrency rises (more parallel streams through a fat pipe), growth is
// not taken for a plateau.
func TestLimiterCountsBytesThroughput(t *testing.T) {
	knee := func(n int, _ time.Duration) time.Duration {
		return max(100*time.Millisecond, time.Duration(n)*12500*time.Microsecond)
	}
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: knee, bytes: func(n int) int64 { return int64(n) << 20 }}, time.Minute)
	if l.limit != 32 {
		t.Fatalf("limit %d with bytes a second growing, want 32; changes %+v", l.limit, tr.changes)
	}
	opsOnly := newLimiter(AdaptiveLimit{})
	simulate(t, opsOnly, hostModel{latency: knee}, time.Minute)
	if opsOnly.limit > 11 {
		t.Fatalf("limit %d without bytes: the model does not plateau", opsOnly.limit)
	}
}

// Fewer jobs than the limit allows prove nothing about more concurrency:
// the limit stays.
func TestLimiterDoesNotGrowWhenNotSaturated(t *testing.T) {
	l := newLimiter(AdaptiveLimit{Initial: 8})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	for range 100 { // one operation at a time
		l.acquire(now)
		end := now.Add(100 * time.Millisecond)
		if ch := l.observe(sample{start: now, end: end}); ch != nil {
			t.Fatalf("changed with one operation in flight: %+v", ch)
		}
		l.release(end)
		now = end
	}
}

// The bounds hold under any sequence: never below 1, never above Max.
func TestLimiterBounds(t *testing.T) {
	l := newLimiter(AdaptiveLimit{Initial: 2, Max: 3})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 50 {
		at := t0.Add(time.Duration(i) * time.Second)
		l.observe(sample{start: at, end: at.Add(time.Millisecond), outcome: outcomeRateLimited})
		if l.limit != 1 && i > 0 {
			t.Fatalf("limit %d after repeated 429s, want 1", l.limit)
		}
	}
	tr := simulate(t, l, hostModel{latency: constant(10 * time.Millisecond)}, time.Minute)
	if l.limit != 3 || tr.maxSeen > 3 {
		t.Fatalf("limit %d, %d in flight; max 3", l.limit, tr.maxSeen)
	}
	if d := (AdaptiveLimit{Initial: 50, Max: 10}).withDefaults(); d.Initial != 10 {
		t.Fatalf("initial above max: %+v", d)
	}
}

// A lasting rise that concurrency does not cause (the plan's bigger
// repositories come last) costs one decrease, not a limit pinned at 1: the
// baseline follows, and growth resumes while throughput grows.
func TestLimiterAcceptsLastingLatency(t *testing.T) {
	lat := func(_ int, at time.Duration) time.Duration {
		if at >= 30*time.Second {
			return time.Second
		}
		return 100 * time.Millisecond
	}
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: lat}, 3*time.Minute)
	if n := tr.reasons()[LimitLatency]; n != 1 {
		t.Errorf("%d latency decreases for one lasting change, want 1: %+v", n, tr.changes)
	}
	if l.limit != 32 {
		t.Errorf("limit %d, want 32 again", l.limit)
	}
}

// A step into congestion that also bought nothing is taken back whole, not
// just trimmed by the latency rule (which alone would go from 32 to 25 and
// soon grow again). Slow start doubles: its last step is 16 -> 32.
func TestLimiterCongestedStepIsTakenBack(t *testing.T) {
	lat := func(n int, _ time.Duration) time.Duration {
		if n > 16 {
			return 250 * time.Millisecond
		}
		return 100 * time.Millisecond
	}
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: lat}, 20*time.Second)
	for i, c := range tr.changes {
		if c.From == 32 && c.To < 32 {
			if c.To != 16 || c.Reason != LimitPlateau {
				t.Fatalf("after 16->32 into congestion: %+v, want back to 16", c)
			}
			if m := tr.maxBetween(tr.at[i], 20*time.Second); m > 17 {
				t.Errorf("went back up to %d", m)
			}
			return
		}
	}
	t.Fatalf("never left 32: %+v", tr.changes)
}

// A far host that is not busy (every clone one second, whatever the
// concurrency) is where slow start matters: a run of 200 such clones is
// over in about ten seconds at 32, so a ramp that takes most of that is
// most of the run. Doubling on half a window reaches 32 after 5 s here
// (attempts started at the instant of a change do not count, so each
// window after the first waits two latencies); growing by half on full
// windows took 9 s.
func TestLimiterSlowStartReachesMaxInFewLatencies(t *testing.T) {
	l := newLimiter(AdaptiveLimit{})
	tr := simulate(t, l, hostModel{latency: constant(time.Second)}, 20*time.Second)
	for i, c := range tr.changes {
		if c.To == 32 {
			if tr.at[i] > 6*time.Second {
				t.Errorf("reached 32 after %v, want within 6 latencies: %+v", tr.at[i], tr.changes)
			}
			return
		}
	}
	t.Fatalf("never reached 32: %+v", tr.changes)
}
