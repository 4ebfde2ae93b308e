package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHostileHugePage: a 50 MB page is refused at the size cap, not read
// into memory whole.
func TestHostileHugePage(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(`{"name":"xxxxxxxxxxxxxxxxxxxxxxxx"},`, 1024))
		_, _ = w.Write([]byte("["))
		for sent.Load() < 50<<20 {
			n, err := w.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`{}]`))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	_, err := pagedJSON[gitHubRepo](context.Background(), c, "/orgs/x/repos", linkNext)
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

// TestHostileEndlessNext: a server announcing a new next page forever is
// stopped by the repository bound when each page invents new repositories,
// after one page when it repeats what it listed, and after a few pages when
// they are empty.
func TestHostileEndlessNext(t *testing.T) {
	var pages atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		w.Header().Set("Link", fmt.Sprintf(`<%s/api/orgs/x/repos?page=%d>; rel="next"`, srv.URL, n+1))
		fmt.Fprintf(w, `[{"name":"a%[1]d"},{"name":"b%[1]d"},{"name":"c%[1]d"},{"name":"d%[1]d"},{"name":"e%[1]d"}]`, n)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{MaxRepos: 42})
	_, err := pagedJSON[gitHubRepo](context.Background(), c, "/orgs/x/repos", linkNext)
	if !errors.Is(err, ErrTooManyRepos) || !strings.Contains(err.Error(), "--max-repos") {
		t.Fatalf("err = %v", err)
	}
	if n := pages.Load(); n != 9 {
		t.Fatalf("fetched %d pages, want 9 (42 repositories at 5 a page)", n)
	}
	// The same repositories on every page (new page numbers, a changing
	// field so the pages differ): stopped at page 2, before any bound.
	pages.Store(0)
	repeat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		w.Header().Set("Link", fmt.Sprintf(`</api/orgs/x/repos?page=%d>; rel="next"`, n+1))
		fmt.Fprintf(w, `[{"id":1,"name":"a","pushed_at":"2026-01-%02dT00:00:00Z"},{"id":2,"name":"b"}]`, n%28+1)
	}))
	defer repeat.Close()
	c3, _ := newTestClient(t, repeat, Config{})
	if _, err := pagedJSON[gitHubRepo](context.Background(), c3, "/orgs/x/repos", linkNext); !errors.Is(err, ErrBadResponse) ||
		!strings.Contains(err.Error(), "paging does not end") {
		t.Fatalf("repeating endless pages: %v", err)
	}
	if n := pages.Load(); n != 2 {
		t.Fatalf("repeating endless pages: fetched %d pages, want 2", n)
	}
	// Empty pages: stopped after maxEmptyPages of them.
	pages.Store(0)
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := pages.Add(1)
		w.Header().Set("Link", fmt.Sprintf(`</api/orgs/x/repos?page=%d>; rel="next"`, n+1))
		fmt.Fprint(w, `[]`)
	}))
	defer empty.Close()
	c2, _ := newTestClient(t, empty, Config{})
	if _, err := pagedJSON[gitHubRepo](context.Background(), c2, "/orgs/x/repos", linkNext); !errors.Is(err, ErrBadResponse) ||
		!strings.Contains(err.Error(), "empty pages") {
		t.Fatalf("empty endless pages: %v", err)
	}
	if n := pages.Load(); n != maxEmptyPages {
		t.Fatalf("empty endless pages: fetched %d pages, want %d", n, maxEmptyPages)
	}
}

// TestHostileRedirectKeepsToken: the API redirects a listing to another
// host; that host never sees the token, in a header or anywhere else. A
// next page announced on that host is refused, not fetched.
func TestHostileRedirectKeepsToken(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		for k, v := range r.Header {
			seen = append(seen, k+": "+strings.Join(v, ","))
		}
		seen = append(seen, r.URL.String())
		mu.Unlock()
		fmt.Fprint(w, `[]`)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/orgs/x/repos" {
			http.Redirect(w, r, other.URL+"/steal?page=2", http.StatusFound)
			return
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s/next>; rel="next"`, other.URL))
		fmt.Fprint(w, `[]`)
	}))
	defer api.Close()
	c, _ := newTestClient(t, api, Config{})
	if _, err := pagedJSON[gitHubRepo](context.Background(), c, "/orgs/x/repos", linkNext); err != nil {
		t.Fatal(err)
	}
	if _, err := pagedJSON[gitHubRepo](context.Background(), c, "/orgs/y/repos", linkNext); !errors.Is(err, ErrBadResponse) {
		t.Fatalf("next page on another host: err = %v, want ErrBadResponse", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) == 0 {
		t.Fatal("the other host was never asked: the test proves nothing")
	}
	for _, s := range seen {
		if strings.HasPrefix(s, "/next") {
			t.Errorf("the next page on the other host was fetched")
		}
		if strings.Contains(s, testToken) || strings.HasPrefix(strings.ToLower(s), "authorization") {
			t.Errorf("the other host saw %q", s)
		}
	}
}

// TestRateLimiterPerHost: bursts pass, then requests are spaced at the
// rate, per host.
func TestRateLimiterPerHost(t *testing.T) {
	now := time.Unix(1000, 0)
	l := NewRateLimiter(10, 3)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if d := l.reserve("api.example.com"); d != 0 {
			t.Fatalf("burst request %d waits %s", i, d)
		}
	}
	if d := l.reserve("API.example.com"); d != 100*time.Millisecond {
		t.Fatalf("4th request waits %s, want 100ms", d)
	}
	if d := l.reserve("other.example.com"); d != 0 {
		t.Fatalf("another host waits %s", d)
	}
	now = now.Add(time.Second)
	if d := l.reserve("api.example.com"); d != 0 {
		t.Fatalf("after refill: waits %s", d)
	}
	var nilLimiter *RateLimiter
	if d := nilLimiter.reserve("h"); d != 0 {
		t.Fatal("nil limiter waits")
	}
}

// TestClientUsesRateLimiter: the client sleeps the limiter's wait.
func TestClientUsesRateLimiter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `[]`) }))
	defer srv.Close()
	l := NewRateLimiter(1, 1)
	frozen := time.Unix(5, 0)
	l.now = func() time.Time { return frozen }
	c, clock := newTestClient(t, srv, Config{RateLimit: l})
	for range 3 {
		if _, err := c.get(context.Background(), "/x"); err != nil {
			t.Fatal(err)
		}
	}
	clock.mu.Lock()
	var got time.Duration
	for _, d := range clock.sleeps {
		got += d
	}
	clock.mu.Unlock()
	if got < 2*time.Second {
		t.Fatalf("slept %s for 3 requests at 1/s, want ≥ 2s", got)
	}
}
