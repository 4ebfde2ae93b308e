package engine

import (
	"context"
	"sync"
)

// pool bounds how many operations run at once, overall and per host. Waiters
// are served first come, first served, except that a waiter whose host is at
// its limit does not hold up waiters for other hosts (no head-of-line
// blocking). It hands out slots to tickets instead of parking every waiter on
// one condition variable, so a release wakes exactly the goroutines it
// admits, not all thousand waiting status jobs.
type pool struct {
	mu      sync.Mutex
	limit   int
	perHost int // 0: no per-host limit
	active  int
	hosts   map[string]int
	waiting []*ticket
}

// ticket is one claim on a pool slot.
type ticket struct {
	host    string
	ready   chan struct{} // closed when the slot is granted
	granted bool          // guarded by pool.mu
}

func newPool(limit, perHost int) *pool {
	return &pool{limit: limit, perHost: perHost, hosts: map[string]int{}}
}

// limitsHost reports whether host is subject to the per-host limit. Repos
// without a known host (local-only remotes) are not grouped together.
func (p *pool) limitsHost(host string) bool { return p.perHost > 0 && host != "" }

func (p *pool) canGrant(host string) bool {
	if p.active >= p.limit {
		return false
	}
	return !p.limitsHost(host) || p.hosts[host] < p.perHost
}

func (p *pool) grant(t *ticket) {
	p.active++
	if p.limitsHost(t.host) {
		p.hosts[t.host]++
	}
	t.granted = true
	close(t.ready)
}

// enqueue takes a place in line for a slot. Calling it in job order, from one
// goroutine, is what makes the pool serve jobs in plan order.
func (p *pool) enqueue(host string) *ticket {
	t := &ticket{host: host, ready: make(chan struct{})}
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
