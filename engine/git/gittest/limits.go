package gittest

import (
	"net/http"
	"time"
)

// limits are what a far, busy host adds to loopback: a delay before every
// answer and a limit on concurrent requests, as GitHub's secondary rate
// limits refuse too many at once. Guarded by Server.mu.
type limits struct {
	delay      time.Duration
	throttle   int    // > 0: answer 429 above this many requests in flight
	retryAfter string // the 429's Retry-After ("" sends none)
	throttled  int
	gather     int           // requests still to arrive before gate opens
	gate       chan struct{} // nil: no Gather pending
}

// Delay makes every request wait d before it is answered (0: none), as a
// round trip to a far server does. A waiting request counts as in flight.
func (s *Server) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Throttle makes the server answer 429 Too Many Requests, with Retry-After:
// retryAfter ("" sends none), to every request that arrives while more
// than k requests are in flight, itself included; k = 0 turns it off.
func (s *Server) Throttle(k int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle, s.retryAfter = k, retryAfter
}

// Throttled is the number of requests Throttle refused.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// Gather holds the next n-1 requests until the nth arrives, then lets all
// of them go on: a client that runs at least n requests at once is thereby
// seen with n in flight, whatever the scheduling, which makes a Throttle
// below n certain to answer 429. Held requests end early when their client
// goes away or the test ends; a client that never reaches n concurrent
// requests waits for ever (so that a test of its concurrency fails).
func (s *Server) Gather(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate != nil {
		close(s.gate)
	}
	s.gather, s.gate = n, make(chan struct{})
}

// limit applies Throttle, Gather and Delay to a request that admit counted
// in flight; it reports whether the request is to be served.
func (s *Server) limit(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	refuse := s.throttle > 0 && s.inflight > s.throttle
	if refuse {
		s.throttled++
	}
	retryAfter, delay := s.retryAfter, s.delay
	var gate chan struct{}
	if s.gate != nil {
		if s.gather--; s.gather <= 0 {
			close(s.gate)
			s.gate = nil
		} else {
			gate = s.gate
		}
	}
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return false
		}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	if refuse {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		http.Error(w, "You have exceeded a secondary rate limit: too many concurrent requests", http.StatusTooManyRequests)
		return false
	}
	return true
}
