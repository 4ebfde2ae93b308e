//go:build linux

package main

import (
	"context"
	"net"
	"net/http"
	"net/http/cgi"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// server is git http-backend on 127.0.0.1 behind the two things loopback
// lacks and the internet has: a round trip before every request (and,
// optionally, more at every new connection, as TCP and TLS handshakes
// cost), and a host that answers 429 when a client asks too much at once.
type server struct {
	backend http.Handler
	// api answers /api/ requests: the Gitea-shaped listing (listing.go).
	api http.Handler
	// cache answers fetch-side requests whose repository's refs did not
	// change (cache.go); nil serves every request from the backend.
	cache *answerCache
	// latency is added before each request is served, in nanoseconds; it
	// changes between phases of the bench, hence atomic.
	latency atomic.Int64
	// connRTTs is how many latencies a new connection waits before its
	// first byte is read: 1 for TCP, 2 for TCP and TLS 1.3.
	connRTTs int
	// throttle is the number of requests in flight above which a request
	// is refused with 429, as GitHub's secondary limits refuse too many
	// concurrent requests; 0 turns it off.
	throttle int

	inFlight  atomic.Int64
	requests  atomic.Int64
	throttled atomic.Int64
}

// counts is what the server saw between two readings.
type counts struct{ requests, throttled int64 }

func (s *server) counts() counts {
	return counts{requests: s.requests.Load(), throttled: s.throttled.Load()}
}

func (s *server) setLatency(d time.Duration) { s.latency.Store(int64(d)) }

// ServeHTTP counts a request as in flight from its arrival, the round
// trip included: a server sees a slow client's request for that long.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	if !sleep(r.Context(), time.Duration(s.latency.Load())) {
		return
	}
	if s.throttle > 0 && n > int64(s.throttle) {
		s.throttled.Add(1)
		w.Header().Set("Retry-After", "1")
		http.Error(w, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", http.StatusTooManyRequests)
		return
	}
	if s.api != nil && strings.HasPrefix(r.URL.Path, "/api/") {
		s.api.ServeHTTP(w, r)
		return
	}
	if s.cache != nil {
		s.cache.serve(w, r, s.backend)
		return
	}
	s.backend.ServeHTTP(w, r)
}

// sleep waits d, or less when the client goes away; it reports whether
// the request should still be served.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// serve starts the server for the bare repositories under root, and their
// listing, and returns the base URL and a function that stops it; cached
// puts the answer cache in front of the backend.
func (s *server) serve(root string, cached bool) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s.backend = &cgi.Handler{
		Path: "/usr/lib/git-core/git-http-backend",
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	if cached {
		s.cache = newAnswerCache(root)
	}
	base := "http://" + ln.Addr().String()
	api, err := newListing(root, base)
	if err != nil {
		ln.Close()
		return "", nil, err
	}
	s.api = api
	srv := &http.Server{Handler: s, ReadHeaderTimeout: time.Minute}
	go func() { _ = srv.Serve(slowListener{Listener: ln, s: s}) }()
	return base, func() { _ = srv.Close() }, nil
}

// slowListener hands out connections whose first read waits for the
// handshake round trips.
type slowListener struct {
	net.Listener
	s *server
}

func (l slowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	d := time.Duration(l.s.connRTTs) * time.Duration(l.s.latency.Load())
	if d <= 0 {
		return c, nil
	}
	return &slowConn{Conn: c, delay: d}, nil
}

// slowConn delays its first Read; the wait runs in the connection's own
// goroutine, so it never holds up Accept.
type slowConn struct {
	net.Conn
	once  sync.Once
	delay time.Duration
}

func (c *slowConn) Read(p []byte) (int, error) {
	c.once.Do(func() { time.Sleep(c.delay) })
	return c.Conn.Read(p)
}
