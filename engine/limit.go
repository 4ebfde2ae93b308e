package engine

import (
	"math"
	"slices"
	"time"
)

// Adaptive network concurrency. A fixed number of network operations is
// wrong everywhere but where it was measured: on loopback 8 is right, over
// a 100 ms link 8 leaves most of the time waiting for round trips, and a
// high fixed number trips the secondary limits hosts such as GitHub put on
// concurrent requests. So each host gets a limiter that looks for the
// concurrency where throughput stops growing, as TCP and Netflix's
// concurrency-limits do for their windows:
//
//   - It starts at AdaptiveLimit.Initial (4) and grows while throughput
//     grows: doubling (slow start, as TCP's) until the first sign of
//     trouble, then by one. Throughput is measured with Little's law,
//     operations/s = mean operations in flight / median latency, over a
//     window of about one limit's worth of finished attempts (half of it
//     in slow start: a run of 200 one-second clones at 100 ms was mostly
//     over before a ramp of ×1.5 per full window reached 30, and a 429 or
//     latency rise still ends slow start at once); bytes/s counts too when
//     every attempt reports its bytes. Growth goes on while a step buys
//     half of its proportional gain, a quarter for a doubling (+25 %). A
//     doubling that buys less gets a second look on a full window, because
//     the first window after a doubling reads slow; if that one says the
//     same, or a step by one buys less, it is a plateau: growth stops, and
//     the next probe waits a few windows (twice as many after each plateau
//     in a row, so a settled limit is probed rarely). The step is kept
//     unless it bought about nothing (under +5 %, or under a quarter of
//     its proportional gain when that is less), then it is taken back.
//   - A 429 or secondary-limit answer halves the limit at once, network
//     failures (resets, timeouts, stalls) take a quarter off, each at most
//     once for the attempts that were already running when it decreased
//     (as TCP reduces once per round trip, not once per lost packet). A
//     429 also puts a ceiling one below the limit it answered for a while:
//     a rate limit is a wall, and every attempt over it costs a
//     Retry-After.
//   - Latency well above the lowest seen (twice the baseline: Gradient2's
//     tolerance) shrinks it in proportion, at most by half. The baseline is
//     the lowest window median and drifts slowly up, faster after a latency
//     decrease, so a lasting change (bigger repositories later in the plan)
//     is accepted as the new normal after a few windows instead of pinning
//     the limit at 1.
//
// Only attempts started after the last change count towards a window, so a
// window describes one limit. The limiter is bounded to [1, Max], holds no
// clock of its own (every call carries its time) and keeps no goroutine:
// the unit tests drive it with synthetic traces, and the pool calls it under
// its mutex.

// AdaptiveLimit bounds adaptive network concurrency per host.
type AdaptiveLimit struct {
	// Initial is where each host starts (default 4).
	Initial int
	// Max is the most concurrent network operations against one host, and
	// with adaptive concurrency the most overall (default 32). GitHub
	// documents secondary limits on concurrent requests: stay modest.
	Max int
}

func (a AdaptiveLimit) withDefaults() AdaptiveLimit {
	if a.Max <= 0 {
		a.Max = 32
	}
	if a.Initial <= 0 {
		a.Initial = 4
	}
	a.Initial = min(a.Initial, a.Max)
	return a
}

// LimitReason says why a host's network concurrency is what it is.
type LimitReason string

// The reasons of NetworkLimit events.
const (
	// LimitInitial: the first value chosen for a host.
	LimitInitial LimitReason = "initial"
	// LimitFixed: set by --concurrency; never adapted.
	LimitFixed LimitReason = "fixed"
	// LimitThroughput: grown because throughput grew with the last step
	// (or there was no step yet to judge).
	LimitThroughput LimitReason = "throughput"
	// LimitPlateau: the last step did not raise throughput; back to the
	// previous value.
	LimitPlateau LimitReason = "plateau"
	// LimitLatency: latency rose well above the lowest seen.
	LimitLatency LimitReason = "latency"
	// LimitRateLimited: the host answered 429 or a secondary rate limit.
	LimitRateLimited LimitReason = "rate limited"
	// LimitErrors: network failures (resets, timeouts, stalls).
	LimitErrors LimitReason = "errors"
)

// Tuning. The fractions are the usual ones (TCP's halving on congestion,
// Gradient2's tolerance of 2); the rest keeps the limit from thrashing.
const (
	minWindow         = 4 // finished attempts a window needs at least
	slowStartGrowth   = 2 // multiplier while no trouble was seen
	slowStartWindow   = 2 // a slow-start window is 1/2 of the limit's attempts
	rateLimitedFactor = 0.5
	errorFactor       = 0.75
	latencyTolerance  = 2.0 // median latency / baseline that counts as congested
	saturated         = 0.8 // mean in flight / limit below which a window proves nothing
	// Growth goes on while a step buys this share of its proportional
	// gain: by one while it buys half, doubling while it buys a quarter.
	// Slow start's steps are judged on half a window, and the attempts a
	// doubling admits start together and read slow: in the bench at 20 and
	// 100 ms (session 7, load 10 to 20) a doubling 4 -> 8 read +37 and
	// +46 % on that window where the full windows at 8 after it read +60
	// to +80 %, and the old bar of +50 % ended slow start at 8, the
	// concurrency of the loop mgit is measured against. So a doubling in
	// doubt gets a second look on a full window (limiter.again), and its
	// bar is a quarter, which still ends slow start at a real knee: past
	// one, a doubling buys nothing.
	growShare          = 0.5
	slowStartGrowShare = 0.25
	// A step that stopped growth is kept unless it bought about nothing:
	// less than takeBackGain (+5 %) or, for a step smaller than a fifth
	// (+1 from 6 up), a quarter of its proportional gain. Keeping a
	// step that bought nothing costs nothing in throughput, and the
	// latency, 429 and error rules still guard the host; taking back one
	// that paid loses its gain for the rest of the run (the next probe
	// waits plateauHold windows, and longer after each plateau), so the
	// bar sits low, just above the few per cent that are nothing: a
	// doubling that buys +15 to 20 % is kept (the old bar, a quarter of
	// its proportional gain, +25 %, took such steps back: 8 -> 4 at 100 ms
	// after 4 -> 8 bought +17 %), one that buys +3 % is not. Windows at
	// one limit read up to 10 % apart in the bench, so a step that bought
	// nothing is sometimes kept: that is the cheap error.
	takeBackShare   = 0.25
	takeBackGain    = 0.05
	plateauHold     = 4  // windows without growth after a plateau, doubling per plateau in a row up to 64
	rateLimitedHold = 2  // windows without growth after a 429
	ceilingWindows  = 32 // windows a 429's ceiling holds
	baselineDrift   = 16 // the baseline moves 1/16 of the way up per window
)

// outcome is what an attempt says about the host's load.
type outcome int

const (
	outcomeOK          outcome = iota // an answer, whatever it said
	outcomeFailed                     // a network failure: reset, timeout, stall
	outcomeRateLimited                // 429, 503 with Retry-After, secondary limit
)

// sample is one finished network attempt against the host.
type sample struct {
	start, end time.Time
	bytes      int64 // transferred; 0 when unknown
	outcome    outcome
}

// limitChange is one decision of a limiter.
type limitChange struct {
	From, To int
	Reason   LimitReason
	// Latency is the window's median attempt latency and Baseline the
	// lowest seen (zero for decisions not taken on a window).
	Latency, Baseline time.Duration
	// Ops is the window's throughput in operations a second (Little's law).
	Ops float64
}

// limiter adapts one host's network concurrency.
type limiter struct {
	max       int
	limit     int
	inflight  int
	slowStart bool // no trouble seen yet: double, not grow by one
	hold      int  // windows to pass before growing again
	plateaus  int  // plateaus in a row: each doubles the next hold
	// ceiling (0: none) is one below the limit a 429 answered, for
	// ceilingTTL more windows: a host's rate limit is a wall, not a
	// queue, and probing it again at once costs every attempt over it a
	// Retry-After.
	ceiling, ceilingTTL int

	changed   time.Time // last change of limit
	decreased time.Time // last decrease

	// The current window: since wStart, in-flight·seconds in area (up to
	// lastT), the latencies and bytes of its eligible attempts.
	wStart, lastT time.Time
	area          float64
	lat           []time.Duration
	bytes         int64
	unknownBytes  bool

	baseline time.Duration // 0 until the first window
	// grewFrom is the limit before the last growth step (0: the last
	// decision was no growth step), with the throughput measured there.
	grewFrom          int
	again             bool // the step is being judged a second time
	prevOps, prevBPS  float64
	prevBytesMeasured bool
}

func newLimiter(cfg AdaptiveLimit) *limiter {
	cfg = cfg.withDefaults()
	return &limiter{max: cfg.Max, limit: cfg.Initial, slowStart: true}
}

// advance accumulates in-flight time up to now.
func (l *limiter) advance(now time.Time) {
	if l.lastT.IsZero() {
		l.wStart, l.lastT = now, now
		return
	}
	if d := now.Sub(l.lastT); d > 0 {
		l.area += float64(l.inflight) * d.Seconds()
		l.lastT = now
	}
}

// acquire and release track the attempts in flight for Little's law.
func (l *limiter) acquire(now time.Time) {
	l.advance(now)
	l.inflight++
}

func (l *limiter) release(now time.Time) {
	l.advance(now)
	l.inflight--
}

// observe takes one finished attempt and returns the change it caused, or
// nil.
func (l *limiter) observe(s sample) *limitChange {
	l.advance(s.end)
	switch s.outcome {
	case outcomeRateLimited:
		if !s.start.After(l.decreased) {
			return nil // already answered
		}
		l.ceiling, l.ceilingTTL = max(l.limit-1, 1), ceilingWindows
		return l.decrease(s.end, rateLimitedFactor, LimitRateLimited, rateLimitedHold)
	case outcomeFailed:
		if !s.start.After(l.decreased) {
			return nil
		}
		return l.decrease(s.end, errorFactor, LimitErrors, 1)
	}
	if !s.start.After(l.changed) {
		return nil // it ran (partly) under another limit, or may have: a tie
	}
	l.lat = append(l.lat, s.end.Sub(s.start))
	if s.bytes > 0 {
		l.bytes += s.bytes
	} else {
		l.unknownBytes = true
	}
	if len(l.lat) < l.windowSize() {
		return nil
	}
	return l.decide(s.end)
}

// windowSize is how many finished attempts close a window: about one
// limit's worth, half of that in slow start, where waiting for the slowest
// of a doubled limit's attempts costs the most and a wrong step is taken
// back by the next window anyway; a whole one again for a doubling's second
// look, which settles a doubt the half window left.
func (l *limiter) windowSize() int {
	n := l.limit
	if l.slowStart && !l.again {
		n = (n + slowStartWindow - 1) / slowStartWindow
	}
	return max(n, minWindow)
}

// decrease multiplies the limit by f (at least 1 less, never below 1) and
// starts a new window.
func (l *limiter) decrease(now time.Time, f float64, why LimitReason, hold int) *limitChange {
	l.slowStart = false
	l.hold = max(l.hold, hold)
	l.grewFrom, l.again = 0, false
	to := max(min(int(float64(l.limit)*f), l.limit-1), 1)
	l.decreased = now
	return l.set(now, to, why, limitChange{})
}

// set moves the limit to n and opens a new window; nil when nothing changed.
func (l *limiter) set(now time.Time, n int, why LimitReason, ch limitChange) *limitChange {
	l.resetWindow(now)
	if n == l.limit {
		return nil
	}
	ch.From, ch.To, ch.Reason = l.limit, n, why
	l.limit = n
	l.changed = now
	return &ch
}

func (l *limiter) resetWindow(now time.Time) {
	l.wStart, l.lastT, l.area = now, now, 0
	l.lat = l.lat[:0]
	l.bytes, l.unknownBytes = 0, false
}

// window is what a full window measured.
type window struct {
	med      time.Duration // median attempt latency
	inflight float64       // mean attempts in flight
	ops, bps float64       // throughput: operations and bytes a second
	bytes    bool          // bps is known
}

// measure sums up the current window at now.
func (l *limiter) measure(now time.Time) window {
	w := window{med: median(l.lat), inflight: float64(l.inflight), bytes: !l.unknownBytes}
	if span := now.Sub(l.wStart).Seconds(); span > 0 {
		w.inflight = l.area / span
	}
	w.ops = w.inflight / max(w.med.Seconds(), 1e-9)
	if w.bytes {
		var total time.Duration
		for _, d := range l.lat {
			total += d
		}
		w.bps = float64(l.bytes) / max(total.Seconds(), 1e-9) * w.inflight
	}
	return w
}

// follow moves the baseline with the window's median latency and reports
// whether that latency counts as congestion, with the baseline it was
// judged against.
func (l *limiter) follow(med time.Duration) (congested bool, base time.Duration) {
	base = l.baseline
	congested = base > 0 && float64(med) > latencyTolerance*float64(base)
	switch {
	case base == 0 || med < base:
		l.baseline = med
	case congested:
		l.baseline += (med - base) / 2
	default:
		l.baseline += (med - base) / baselineDrift
	}
	return congested, base
}

// decide closes a full window: a decrease for congestion or a step that
// did not pay (whichever goes lower), else growth when the window was
// saturated and nothing holds it back.
func (l *limiter) decide(now time.Time) *limitChange {
	w := l.measure(now)
	ch := limitChange{Latency: w.med, Ops: w.ops}
	if l.ceilingTTL--; l.ceilingTTL <= 0 {
		l.ceiling, l.ceilingTTL = 0, 0
	}
	congested, base := l.follow(w.med)
	ch.Baseline = l.baseline
	to, why := l.limit, LimitReason("")
	if congested {
		// Shrink in proportion to how far latency rose past tolerance.
		f := max(latencyTolerance*float64(base)/float64(w.med), 0.5)
		to, why = max(min(int(math.Floor(float64(l.limit)*f)), l.limit-1), 1), LimitLatency
		l.slowStart, l.decreased = false, now
	}
	grewFrom, again := l.grewFrom, l.again
	l.grewFrom, l.again = 0, false
	if w.inflight < saturated*float64(l.limit) {
		// Fewer operations than the limit allows were waiting: the
		// window says nothing about more concurrency.
		return l.set(now, to, why, ch)
	}
	held := l.hold > 0
	if grewFrom > 0 {
		switch l.judge(grewFrom, w, again) {
		case stepAgain:
			l.grewFrom, l.again = grewFrom, true
			return l.set(now, to, why, ch)
		case stepBack:
			if grewFrom < to {
				to, why = grewFrom, LimitPlateau
			}
		}
	}
	top := l.max
	if l.ceiling > 0 {
		top = min(top, l.ceiling)
	}
	if held {
		l.hold--
	}
	if why != "" || held || l.hold > 0 || l.limit >= top {
		return l.set(now, to, why, ch)
	}
	l.grewFrom, l.prevOps, l.prevBPS, l.prevBytesMeasured = l.limit, w.ops, w.bps, w.bytes
	to = l.limit + 1
	if l.slowStart {
		to = int(math.Ceil(float64(l.limit) * slowStartGrowth))
	}
	return l.set(now, min(to, top), LimitThroughput, ch)
}

// verdict is what a window says of the last growth step.
type verdict int

const (
	stepPaid  verdict = iota // it paid: grow on
	stepKept                 // a plateau: keep it, but stop growing for a while
	stepBack                 // it bought about nothing: take it back
	stepAgain                // slow start in doubt: look again on a full window
)

// judge weighs the last growth step, from grewFrom to limit, on window w
// (final: no second look) and updates the growth state to match.
func (l *limiter) judge(grewFrom int, w window, final bool) verdict {
	gain, step := l.stepGain(grewFrom, w)
	bar := growShare
	if l.slowStart {
		bar = slowStartGrowShare
	}
	switch {
	case gain >= bar*step:
		l.plateaus = 0
		return stepPaid
	case l.slowStart && !final:
		return stepAgain
	}
	l.slowStart = false
	l.hold = plateauHold << min(l.plateaus, 4)
	l.plateaus++
	if gain < min(takeBackShare*step, takeBackGain) {
		return stepBack
	}
	return stepKept
}

// stepGain is what the last growth step, from grewFrom to limit, bought:
// gain is the relative rise in throughput (operations a second, or bytes a
// second when both windows know them and those rose more; 0.15: +15 %), and
// step the step's own relative size, the most it could have bought (1 for a
// doubling).
func (l *limiter) stepGain(grewFrom int, w window) (gain, step float64) {
	ratio := w.ops / max(l.prevOps, 1e-9)
	if w.bytes && l.prevBytesMeasured && l.prevBPS > 0 {
		ratio = max(ratio, w.bps/l.prevBPS)
	}
	return ratio - 1, float64(l.limit)/float64(grewFrom) - 1
}

// median of ds; ds is reordered.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}
