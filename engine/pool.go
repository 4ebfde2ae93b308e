package engine

import (
	"context"
	"sync"
	"time"
)

// pool bounds how many operations run at once, overall and per host. Waiters
// are served first come, first served, except that a waiter whose host is at
// its limit does not hold up waiters for other hosts (no head-of-line
// blocking). It hands out slots to tickets instead of parking every waiter on
// one condition variable, so a release wakes exactly the goroutines it
// admits, not all thousand waiting status jobs.
//
// The per-host limit is either fixed (perHost) or, with adaptive set, chosen
// per host by a limiter (limit.go) that the pool feeds with every grant,
// release and observed attempt, under its own mutex.
type pool struct {
	mu       sync.Mutex
	limit    int
	perHost  int            // fixed per-host limit; 0: none (unless adaptive)
	adaptive *AdaptiveLimit // nil: fixed
	now      func() time.Time
	limiters map[string]*limiter // adaptive: by host
	known    map[string]int      // the per-host limit last announced (see announce)
	active   int
	hosts    map[string]int
	waiting  []*ticket
}

// ticket is one claim on a pool slot.
type ticket struct {
	host    string
	ready   chan struct{} // closed when the slot is granted
	granted bool          // guarded by pool.mu
	// start, when set, is run in a new goroutine once: when the slot is
	// granted, or earlier by wake. A run of 10,000 repositories thus holds
	// goroutines (and their stacks) only for the jobs that can run, not
	// one parked per waiting repository.
	start    func()
	launched bool // guarded by pool.mu
}

func newPool(limit, perHost int) *pool {
	return &pool{limit: limit, perHost: perHost, hosts: map[string]int{}, known: map[string]int{}, now: time.Now}
}

// newAdaptivePool is a pool whose per-host limits adapt (see limit.go); the
// overall limit is the per-host maximum.
func newAdaptivePool(cfg AdaptiveLimit) *pool {
	cfg = cfg.withDefaults()
	p := newPool(cfg.Max, 0)
	p.adaptive = &cfg
	p.limiters = map[string]*limiter{}
	return p
}

// limitsHost reports whether host is subject to a per-host limit. Repos
// without a known host (local-only remotes) are not grouped together.
func (p *pool) limitsHost(host string) bool {
	return host != "" && (p.perHost > 0 || p.adaptive != nil)
}

// limiter is host's limiter, created on first use; nil for a fixed pool.
func (p *pool) limiter(host string) *limiter {
	if p.adaptive == nil || host == "" {
		return nil
	}
	l := p.limiters[host]
	if l == nil {
		l = newLimiter(*p.adaptive)
		p.limiters[host] = l
	}
	return l
}

// hostLimit is the current limit for host (0: none).
func (p *pool) hostLimit(host string) int {
	if l := p.limiter(host); l != nil {
		return l.limit
	}
	if p.limitsHost(host) {
		return p.perHost
	}
	return 0
}

func (p *pool) canGrant(host string) bool {
	if p.active >= p.limit {
		return false
	}
	return !p.limitsHost(host) || p.hosts[host] < p.hostLimit(host)
}

func (p *pool) grant(t *ticket) {
	p.active++
	if p.limitsHost(t.host) {
		p.hosts[t.host]++
	}
	if l := p.limiter(t.host); l != nil {
		l.acquire(p.now())
	}
	t.granted = true
	close(t.ready)
	p.launch(t)
}

// launch starts t's goroutine unless it has one. Called with mu held.
func (p *pool) launch(t *ticket) {
	if t.start != nil && !t.launched {
		t.launched = true
		go t.start()
	}
}

// wake starts the goroutine of every ticket that has none yet, granted or
// not, so that each can see its context is done (wait withdraws it).
func (p *pool) wake(ts []*ticket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range ts {
		p.launch(t)
	}
}

// enqueue takes a place in line for a slot. Calling it in job order, from one
// goroutine, is what makes the pool serve jobs in plan order.
func (p *pool) enqueue(host string) *ticket {
	return p.enqueueStart(host, nil)
}

// enqueueStart is enqueue with a goroutine to start once the slot is
// granted (see ticket.start); it may start before enqueueStart returns.
func (p *pool) enqueueStart(host string, start func()) *ticket {
	t := &ticket{host: host, ready: make(chan struct{}), start: start}
	p.mu.Lock()
	defer p.mu.Unlock()
	// Every release admits all waiters it can, so when nobody is grantable
	// a new arrival never overtakes a waiter that could run.
	if p.canGrant(host) {
		p.grant(t)
	} else {
		p.waiting = append(p.waiting, t)
	}
	return t
}

// wait blocks until t is granted or ctx is done. On ctx done the ticket is
// withdrawn (or its slot given back when the grant raced the cancellation).
func (p *pool) wait(ctx context.Context, t *ticket) error {
	select {
	case <-t.ready:
		return nil
	case <-ctx.Done():
	}
	p.mu.Lock()
	if t.granted {
		p.mu.Unlock()
		p.release(t)
		return ctx.Err()
	}
	for i, w := range p.waiting {
		if w == t {
			p.waiting = append(p.waiting[:i], p.waiting[i+1:]...)
			break
		}
	}
	p.mu.Unlock()
	return ctx.Err()
}

// release gives t's slot back and admits every waiter that can now run.
func (p *pool) release(t *ticket) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.active--
	if p.limitsHost(t.host) {
		if p.hosts[t.host]--; p.hosts[t.host] == 0 {
			delete(p.hosts, t.host)
		}
	}
	if l := p.limiter(t.host); l != nil {
		l.release(p.now())
	}
	p.admit()
}

// admit grants every waiter that can run now, in order. Called with mu held.
func (p *pool) admit() {
	kept := p.waiting[:0]
	for i, w := range p.waiting {
		if p.active >= p.limit {
			kept = append(kept, p.waiting[i:]...)
			break
		}
		if p.canGrant(w.host) {
			p.grant(w)
			continue
		}
		kept = append(kept, w)
	}
	clear(p.waiting[len(kept):])
	p.waiting = kept
}

// observe feeds host's limiter one finished attempt; it returns the change
// the limiter made (nil: none, or a fixed pool) with the pool's new total.
// A raised limit admits waiters at once.
func (p *pool) observe(host string, s sample) (*limitChange, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.limiter(host)
	if l == nil {
		return nil, 0
	}
	ch := l.observe(s)
	if ch == nil {
		return nil, 0
	}
	p.known[host] = ch.To
	if ch.To > ch.From {
		p.admit()
	}
	return ch, p.total()
}

// announce reports host's current limit and the pool's total the first
// time the pool is asked about host; ok is false after that.
func (p *pool) announce(host string) (limit, total int, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.limitsHost(host) {
		return 0, 0, false
	}
	if _, seen := p.known[host]; seen {
		return 0, 0, false
	}
	p.known[host] = p.hostLimit(host)
	return p.known[host], p.total(), true
}

// total is how many operations the pool allows at once against every host
// announced so far: the sum of their limits, at most the pool's limit.
func (p *pool) total() int {
	n := 0
	for _, v := range p.known {
		n += v
	}
	return min(n, p.limit)
}
