//go:build linux

package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestServerThrottles: a request arriving while the limit is in flight is
// refused with 429 and Retry-After, and counted; the one in flight is
// served.
func TestServerThrottles(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	s := &server{throttle: 1, backend: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusOK)
	})}
	first := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/r.git/info/refs", nil))
		first <- rec.Code
	}()
	<-entered
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/r.git/info/refs", nil))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second request: %d, Retry-After %q; want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	if code := <-first; code != http.StatusOK {
		t.Fatalf("first request: %d, want 200", code)
	}
	if got := s.counts(); got != (counts{requests: 2, throttled: 1}) {
		t.Fatalf("counts = %+v, want 2 requests, 1 throttled", got)
	}
}

// TestServerLatency: every request waits at least the latency (a lower
// bound, which no loaded machine can break).
func TestServerLatency(t *testing.T) {
	s := &server{backend: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	s.setLatency(30 * time.Millisecond)
	for range 2 {
		start := time.Now()
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("request served after %s, want at least 30ms", d)
		}
	}
}
