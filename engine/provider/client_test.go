package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock replaces the client's clock and sleep: sleeping records the
// duration and advances the clock instantly. Shared with other providers'
// tests in this package.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func installFakeClock(c *client) *fakeClock {
	fc := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	c.now = fc.now
	c.sleep = fc.sleep
	return fc
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	f.t = f.t.Add(d)
	return nil
}

func (f *fakeClock) slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// memCache is an in-memory Cache counting hits.
type memCache struct {
	mu sync.Mutex
	m  map[string][2]string
}

func newMemCache() *memCache { return &memCache{m: map[string][2]string{}} }

func (c *memCache) Get(key string) (string, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v[0], []byte(v[1]), ok
}

func (c *memCache) Put(key, etag string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = [2]string{etag, string(body)}
}

const testToken = "s3cr3t-token"

// newTestClient builds a client for srv with bearer auth and a fake clock.
func newTestClient(t *testing.T, srv *httptest.Server, cfg Config) (*client, *fakeClock) {
	t.Helper()
	cfg.Client = srv.Client()
	if cfg.Name == "" {
		cfg.Name = "test"
	}
	c, err := newClient(cfg, srv.URL+"/api", bearerAuth(testToken))
	if err != nil {
		t.Fatal(err)
	}
	return c, installFakeClock(c)
}

func TestGetRetriesServerErrorsWithBackoff(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			http.Error(w, "boom", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer srv.Close()
	var infos []RequestInfo
	c, fc := newTestClient(t, srv, Config{Observe: func(i RequestInfo) { infos = append(infos, i) }})
	var v struct{ OK bool }
	if _, err := c.getJSON(context.Background(), "/x", &v); err != nil || !v.OK {
		t.Fatalf("getJSON = %v, %+v", err, v)
	}
	s := fc.slept()
	if len(s) != 2 || s[0] < 250*time.Millisecond || s[0] > 500*time.Millisecond || s[1] < 500*time.Millisecond || s[1] > time.Second {
		t.Fatalf("backoff sleeps = %v, want ~[250-500ms, 500ms-1s]", s)
	}
	if len(infos) != 3 || infos[0].Status != 502 || infos[2].Status != 200 || infos[2].Attempt != 3 || infos[0].Path != "/api/x" {
		t.Fatalf("observed %+v", infos)
	}
}

func TestGetGivesUpAfterAttempts(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, `{"message":"down"}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	_, err := c.get(context.Background(), "/x")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 503 || !errors.Is(err, ErrBadResponse) || he.Message != "down" {
		t.Fatalf("err = %v", err)
	}
	if n.Load() != int32(defaultAttempts) {
		t.Fatalf("attempts = %d, want %d", n.Load(), defaultAttempts)
	}
}

func TestTimeoutIsRetriedThenFails(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		<-r.Context().Done() // never answers; the client's timeout ends it
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{Timeout: 50 * time.Millisecond})
	c.attempts = 2
	_, err := c.get(context.Background(), "/slow")
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || n.Load() != 2 {
		t.Fatalf("err = %v after %d attempts", err, n.Load())
	}
}

func TestStatusClassification(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   error
	}{
		{401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound}, {418, ErrBadResponse},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			fmt.Fprint(w, `{"message":"nope"}`)
		}))
		c, _ := newTestClient(t, srv, Config{})
		_, err := c.get(context.Background(), "/x?access_token=leak")
		srv.Close()
		if !errors.Is(err, tc.want) {
			t.Errorf("status %d: err = %v, want %v", tc.status, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "leak") {
			t.Errorf("status %d: error shows the query secret: %v", tc.status, err)
		}
	}
}

func TestMalformedBodyAndSizeCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `[{"name": "x",`+strings.Repeat(" ", 100))
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	var v []map[string]any
	_, err := c.getJSON(context.Background(), "/repos?token=hidden", &v)
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "/api/repos") || strings.Contains(err.Error(), "hidden") {
		t.Fatalf("malformed: err = %v", err)
	}
	c.maxBody = 10
	_, err = c.get(context.Background(), "/repos")
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Fatalf("size cap: err = %v", err)
	}
}

func TestRetryAfter429(t *testing.T) {
	for _, ra := range []string{"1", "date"} {
		var n atomic.Int32
		var c *client
		var fc *fakeClock
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				v := ra
				if ra == "date" {
					v = fc.now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
				}
				w.Header().Set("Retry-After", v)
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, `{}`)
		}))
		var infos []RequestInfo
		c, fc = newTestClient(t, srv, Config{Observe: func(i RequestInfo) { infos = append(infos, i) }})
		_, err := c.get(context.Background(), "/x")
		srv.Close()
		want := time.Second
		if ra == "date" {
			want = 3 * time.Second
		}
		if err != nil || len(fc.slept()) != 1 || fc.slept()[0] != want {
			t.Fatalf("Retry-After %s: err %v, slept %v, want %v", ra, err, fc.slept(), want)
		}
		if !infos[0].RateLimited || infos[0].Wait != want {
			t.Fatalf("Retry-After %s: observed %+v", ra, infos[0])
		}
	}
}

func TestRateLimitResetWaitAndMaxWait(t *testing.T) {
	var n atomic.Int32
	var fc *fakeClock
	resetIn := 5 * time.Second
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(fc.now().Add(resetIn).Unix(), 10))
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"API rate limit exceeded for user ID 1."}`)
			return
		}
		w.Header().Set("X-RateLimit-Remaining", "4999")
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	var c *client
	c, fc = newTestClient(t, srv, Config{})
	if _, err := c.get(context.Background(), "/x"); err != nil {
		t.Fatal(err)
	}
	if s := fc.slept(); len(s) != 1 || s[0] != 6*time.Second {
		t.Fatalf("slept %v, want [6s] (reset + 1s)", s)
	}

	n.Store(0)
	resetIn = 2 * time.Hour
	_, err := c.get(context.Background(), "/x")
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) || rl.Reset.IsZero() ||
		!strings.Contains(err.Error(), "raise --max-wait or retry after "+rl.Reset.UTC().Format(time.RFC3339)) {
		t.Fatalf("over MaxWait: err = %v", err)
	}
	if len(fc.slept()) != 1 {
		t.Fatalf("waited although the reset is beyond MaxWait: %v", fc.slept())
	}
}

func TestExhaustedQuotaDelaysNextRequest(t *testing.T) {
	var fc *fakeClock
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(fc.now().Add(10*time.Second).Unix(), 10))
		}
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	var c *client
	c, fc = newTestClient(t, srv, Config{})
	for i := 0; i < 2; i++ {
		if _, err := c.get(context.Background(), "/x"); err != nil {
			t.Fatal(err)
		}
	}
	if s := fc.slept(); len(s) != 1 || s[0] != 11*time.Second {
		t.Fatalf("slept %v, want [11s] before the second request", s)
	}
}

func TestGitHubSecondaryRateLimitIsNotForbidden(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	defer srv.Close()
	c, fc := newTestClient(t, srv, Config{})
	if _, err := c.get(context.Background(), "/x"); err != nil {
		t.Fatalf("err = %v", err)
	}
	if s := fc.slept(); len(s) != 1 || s[0] != time.Minute {
		t.Fatalf("slept %v, want [1m]", s)
	}
	// With a shorter MaxWait it fails as a rate limit, never as forbidden.
	n.Store(0)
	c.maxWait = 10 * time.Second
	_, err := c.get(context.Background(), "/x")
	if !errors.Is(err, ErrRateLimited) || errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v, want ErrRateLimited", err)
	}
}

func TestTokenOnlyToAPIHost(t *testing.T) {
	var otherAuth, otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		if r.Header.Get("Authorization") != "" {
			otherAuth.Add(1)
		}
		fmt.Fprint(w, `[]`)
	}))
	defer other.Close()
	var apiAuth []string
	var mu sync.Mutex
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		apiAuth = append(apiAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		switch r.URL.Path {
		case "/api/redirect":
			http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
		case "/api/same":
			http.Redirect(w, r, "/api/target", http.StatusFound)
		case "/api/target":
			fmt.Fprint(w, `[]`)
		case "/api/list":
			w.Header().Set("Link", `<`+other.URL+`/page2>; rel="next"`)
			fmt.Fprint(w, `[]`)
		}
	}))
	defer api.Close()
	c2, _ := newTestClient(t, api, Config{})
	ctx := context.Background()
	if _, err := c2.get(ctx, "/redirect"); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.get(ctx, "/same"); err != nil {
		t.Fatal(err)
	}
	// A next page on another host is refused, not fetched without the
	// token (which would silently drop private repositories).
	_, err := pagedJSON[struct{}](ctx, c2, "/list", linkNext)
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "is on "+strings.TrimPrefix(other.URL, "http://")+
		", not the API host "+strings.TrimPrefix(api.URL, "http://")) {
		t.Fatalf("next page on another host: err = %v", err)
	}
	if otherHits.Load() != 1 || otherAuth.Load() != 0 {
		t.Fatalf("other host: %d hits, %d with Authorization (want 1 redirect, 0)", otherHits.Load(), otherAuth.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	for i, a := range apiAuth {
		if a != "Bearer "+testToken {
			t.Fatalf("API request %d had Authorization %q", i, a)
		}
	}
	if len(apiAuth) != 4 { // redirect, same, target, list
		t.Fatalf("API requests = %d, want 4", len(apiAuth))
	}
}

func TestEndlessNextStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if r.URL.Query().Get("loop") != "" {
			p = 0 // always points back at page 1
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?page=%d&loop=%s>; rel="next"`, "http://"+r.Host, r.URL.Path, p+1, r.URL.Query().Get("loop")))
		fmt.Fprintf(w, `[{"id":%d}]`, p) // a new repository on every page: only the page bound stops it
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{})
	c.maxPages = 7
	got, err := pagedJSON[struct{}](context.Background(), c, "/r?page=1&loop=", linkNext)
	if !errors.Is(err, errTooManyPages) || got != nil {
		t.Fatalf("endless: %d items, err %v", len(got), err)
	}
	_, err = pagedJSON[struct{}](context.Background(), c, "/r?page=1&loop=1", linkNext)
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "already listed") {
		t.Fatalf("loop: err %v", err)
	}
}

func TestConditionalRequestServedFromCache(t *testing.T) {
	var conditional atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `"v1-` + r.URL.Query().Get("page") + `"`
		if r.Header.Get("If-None-Match") == etag {
			conditional.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		if r.URL.Query().Get("page") == "1" {
			w.Header().Set("Link", `</api/r?page=2>; rel="next"`)
			fmt.Fprint(w, `[{"n":1}]`)
			return
		}
		fmt.Fprint(w, `[{"n":2}]`)
	}))
	defer srv.Close()
	cache := newMemCache()
	var fromCache atomic.Int32
	c, _ := newTestClient(t, srv, Config{Cache: cache, Observe: func(i RequestInfo) {
		if i.FromCache {
			fromCache.Add(1)
		}
	}})
	type item struct{ N int }
	first, err := pagedJSON[item](context.Background(), c, "/r?page=1", linkNext)
	if err != nil || len(first) != 2 {
		t.Fatalf("first: %v %v", first, err)
	}
	second, err := pagedJSON[item](context.Background(), c, "/r?page=1", linkNext)
	if err != nil || fmt.Sprint(first) != fmt.Sprint(second) {
		t.Fatalf("second: %v %v, want %v", second, err, first)
	}
	if conditional.Load() != 2 || fromCache.Load() != 2 {
		t.Fatalf("304s = %d, observed from cache = %d; want 2, 2", conditional.Load(), fromCache.Load())
	}
	for k, v := range cache.m {
		if strings.Contains(k+v[1], testToken) {
			t.Fatalf("cache holds the token: %q", k)
		}
	}
}

func TestContextCancelStopsBackoff(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	c, err := newClient(Config{Name: "t", Client: srv.Client()}, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.backoff = time.Hour // real sleep: only cancellation can end it
	ctx, cancel := context.WithCancel(context.Background())
	c.observe = func(i RequestInfo) {
		if i.Wait > 0 {
			cancel()
		}
	}
	if _, err := c.get(ctx, "/x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestLinkRel(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<https://api.github.com/user/repos?page=2&per_page=100>; rel="next", <https://api.github.com/user/repos?page=5>; rel="last"`, "https://api.github.com/user/repos?page=2&per_page=100"},
		{`<https://x/a?p=1>; rel="prev", <https://x/a?p=3>; rel="next"`, "https://x/a?p=3"},
		{`<https://x/a?q=a,b>; rel="next"`, "https://x/a?q=a,b"},
		{`<https://x/a>; rel="last"`, ""},
		{`<https://x/a>;rel=next`, "https://x/a"},
		{`<https://x/a>; rel="prev next"`, "https://x/a"},
		{``, ""},
		{`garbage`, ""},
	} {
		if got := linkRel([]string{tc.in}, "next"); got != tc.want {
			t.Errorf("linkRel(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewClientRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "not a url", "://"} {
		if _, err := newClient(Config{Name: "x"}, u, nil); err == nil {
			t.Errorf("newClient(%q) accepted", u)
		}
	}
}

func TestResolveKeepsEscapedPath(t *testing.T) {
	c, err := newClient(Config{Name: "t", Kind: KindGitLab}, "https://gitlab.example.com/api/v4", nil)
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{
		"/groups/a%2Fb/projects?per_page=100": "https://gitlab.example.com/api/v4/groups/a%2Fb/projects?per_page=100",
		"Team%20A/_apis/git/repositories":     "https://gitlab.example.com/api/v4/Team%20A/_apis/git/repositories",
		"/user":                               "https://gitlab.example.com/api/v4/user",
	} {
		u, err := c.resolve(ref)
		if err != nil {
			t.Fatal(err)
		}
		if u.String() != want {
			t.Errorf("resolve(%q) = %s, want %s", ref, u, want)
		}
	}
}
