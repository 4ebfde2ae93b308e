package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mgit-dev/mgit/engine/backoff"
	"github.com/mgit-dev/mgit/engine/redact"
)

// Defaults of the HTTP layer.
const (
	defaultTimeout     = 30 * time.Second
	defaultMaxWait     = time.Minute
	defaultAttempts    = 4
	defaultBackoff     = 500 * time.Millisecond
	defaultMaxBackoff  = 10 * time.Second
	defaultMaxPages    = 10000
	defaultMaxBodySize = 32 << 20
	// maxCachedBody bounds a page the discovery cache keeps. Real pages
	// are well under it (100 GitHub repositories: ~600 KB); a bigger one
	// is fetched unconditionally next time rather than encoded into the
	// cache, which costs several times its size in memory and disk.
	maxCachedBody = 4 << 20
	// maxRateLimitWaits bounds how many times one request may wait for a
	// rate limit, in case a server keeps answering "retry in 0s".
	maxRateLimitWaits = 5
)

// RequestInfo describes one HTTP exchange (one attempt) for Config.Observe.
type RequestInfo struct {
	Provider string // configured provider name
	Method   string
	Host     string
	Path     string // URL path, never the query (it may carry secrets)
	// Status is the HTTP status, 0 when no response arrived.
	Status   int
	Duration time.Duration
	// Attempt counts from 1 for each logical request.
	Attempt int
	// FromCache is true when a 304 was answered from the discovery cache.
	FromCache bool
	// RateLimitRemaining is the server's remaining quota, -1 if unknown.
	RateLimitRemaining int
	// Wait is how long the client sleeps after this attempt before the
	// next one (backoff or rate limit); 0 when it does not retry.
	Wait time.Duration
	// RateLimited is true when the wait (or failure) is due to a rate
	// limit, so a presenter can show "rate limited until …".
	RateLimited bool
	Err         error
}

// response is a fully read response (or one answered from the cache).
type response struct {
	Status    int
	Header    http.Header
	Body      []byte
	URL       *url.URL // the URL finally answered (after redirects)
	FromCache bool
}

// client is the HTTP layer every provider uses: auth only towards the API
// host, timeouts, retries, rate limits, size cap, ETag cache, paging.
type client struct {
	provider  string
	base      *url.URL // API base; its scheme+host is the only one that gets auth
	hc        *http.Client
	auth      func(http.Header) // sets the Authorization (or similar) header
	header    http.Header       // fixed extra headers (Accept, API version)
	cache     Cache
	observe   func(RequestInfo)
	timeout   time.Duration
	maxWait   time.Duration
	attempts  int
	backoff   time.Duration
	maxBack   time.Duration
	maxPages  int
	maxBody   int64
	maxItems  int
	limiter   *RateLimiter
	authNames []string // header names auth sets, removed when leaving the host

	// Test seams.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	mu           sync.Mutex
	blockedUntil time.Time // a 2xx said remaining=0: wait before the next request
}

// newClient builds the HTTP layer for a provider whose API lives at base.
// auth sets the credential headers (see bearerAuth, tokenAuth, basicAuth)
// and may be nil for anonymous access.
func newClient(cfg Config, base string, auth func(http.Header)) (*client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("provider %s: bad API URL %q", cfg.Name, base)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("provider %s: API URL %q must be http or https", cfg.Name, base)
	}
	c := &client{
		provider: cfg.Name,
		base:     u,
		auth:     auth,
		header:   http.Header{},
		cache:    cfg.Cache,
		observe:  cfg.Observe,
		timeout:  cfg.Timeout,
		maxWait:  cfg.MaxWait,
		attempts: defaultAttempts,
		backoff:  defaultBackoff,
		maxBack:  defaultMaxBackoff,
		maxPages: defaultMaxPages,
		maxBody:  defaultMaxBodySize,
		maxItems: cfg.MaxRepos,
		limiter:  cfg.RateLimit,
		now:      time.Now,
		sleep:    sleepCtx,
	}
	if c.timeout <= 0 {
		c.timeout = defaultTimeout
	}
	if c.maxItems <= 0 {
		c.maxItems = DefaultMaxRepos
	}
	if c.maxWait <= 0 {
		c.maxWait = defaultMaxWait
	}
	if auth != nil {
		h := http.Header{}
		auth(h)
		for k := range h {
			c.authNames = append(c.authNames, k)
		}
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "mgit"
	}
	c.header.Set("User-Agent", ua)
	c.header.Set("Accept", "application/json")

	var hc http.Client
	if cfg.Client != nil {
		hc = *cfg.Client // copy: the caller's client is not modified
	}
	prev := hc.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if !c.sameHost(req.URL) {
			for _, k := range c.authNames {
				req.Header.Del(k)
			}
		}
		if prev != nil {
			return prev(req, via)
		}
		return nil
	}
	c.hc = &hc
	return c, nil
}

// bearerAuth, tokenAuth and basicAuth are the usual credential headers.
func bearerAuth(token string) func(http.Header) {
	if token == "" {
		return nil
	}
	return func(h http.Header) { h.Set("Authorization", "Bearer "+token) }
}

func tokenAuth(token string) func(http.Header) {
	if token == "" {
		return nil
	}
	return func(h http.Header) { h.Set("Authorization", "token "+token) }
}

func basicAuth(user, token string) func(http.Header) {
	if token == "" {
		return nil
	}
	return func(h http.Header) {
		r := http.Request{Header: h}
		r.SetBasicAuth(user, token)
	}
}

// sameHost reports whether u may receive the credential: same scheme and
// host (with port) as the API base. A downgrade to http is another host.
func (c *client) sameHost(u *url.URL) bool {
	return strings.EqualFold(u.Host, c.base.Host) && u.Scheme == c.base.Scheme
}

// resolve makes ref absolute: a path is joined to the API base path
// ("/orgs/x/repos" → base + "/orgs/x/repos"), a full URL is kept.
func (c *client) resolve(ref string) (*url.URL, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", redact.URL(ref), err)
	}
	if u.IsAbs() {
		return u, nil
	}
	// ref is already escaped (providers escape names with
	// url.PathEscape, e.g. GitLab's "a%2Fb" group path): keep it as the
	// raw path so it is sent exactly once-escaped.
	r := *c.base
	p, q, _ := strings.Cut(ref, "?")
	raw := strings.TrimRight(c.base.EscapedPath(), "/") + "/" + strings.TrimLeft(p, "/")
	dec, err := url.PathUnescape(raw)
	if err != nil {
		return nil, fmt.Errorf("bad URL path %q: %w", redact.URL(ref), err)
	}
	r.Path, r.RawPath = dec, raw
	r.RawQuery = q
	return &r, nil
}

// getJSON GETs ref (a path under the API base or an absolute URL) and
// decodes the JSON body into v.
func (c *client) getJSON(ctx context.Context, ref string, v any) (*response, error) {
	resp, err := c.get(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := decodeJSON(resp, v); err != nil {
		return resp, err
	}
	return resp, nil
}

// decodeJSON decodes resp's body; failure is ErrBadResponse naming the URL.
func decodeJSON(resp *response, v any) error {
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("decode %s: %w: %v", redact.URL(resp.URL.String()), ErrBadResponse, err)
	}
	return nil
}

// cached is the cache's answer for key (the request URL u), with its
// ETag; none without a cache or entry. An unreadable entry just makes the
// request unconditional.
func (c *client) cached(key string, u *url.URL) (string, *response) {
	if c.cache == nil {
		return "", nil
	}
	if etag, body, ok := c.cache.Get(key); ok && etag != "" {
		if r, err := cachedResponse(u, body); err == nil {
			return etag, r
		}
	}
	return "", nil
}

// remember caches a successful response that carries an ETag and is
// small enough.
func (c *client) remember(key string, resp *response) {
	if c.cache != nil && len(resp.Body) <= maxCachedBody {
		if etag := resp.Header.Get("ETag"); etag != "" {
			c.cache.Put(key, etag, encodeCached(resp))
		}
	}
}

// get performs a GET with retries, rate-limit waits and the ETag cache. A
// non-2xx final status is an *HTTPError (or *RateLimitError).
func (c *client) get(ctx context.Context, ref string) (*response, error) {
	u, err := c.resolve(ref)
	if err != nil {
		return nil, err
	}
	key := c.provider + " " + u.String()
	cachedETag, cached := c.cached(key, u)
	var waited time.Duration
	rateWaits := 0
	for attempt := 1; ; attempt++ {
		if err := c.waitBlocked(ctx, u, &waited); err != nil {
			return nil, err
		}
		if err := c.waitLimiter(ctx, u.Host); err != nil {
			return nil, err
		}
		start := c.now()
		resp, err := c.once(ctx, u, cachedETag)
		info := RequestInfo{
			Provider: c.provider, Method: http.MethodGet, Host: u.Host, Path: u.Path,
			Attempt: attempt, RateLimitRemaining: -1,
		}
		info.Duration = c.now().Sub(start)
		if err != nil {
			info.Err = err
			if ctx.Err() != nil || !retryable(err) || attempt >= c.attempts {
				c.emit(info)
				return nil, fmt.Errorf("GET %s: %w", redact.URL(u.String()), err)
			}
			info.Wait = backoff.Delay(c.backoff, c.maxBack, attempt)
			c.emit(info)
			if err := c.sleep(ctx, info.Wait); err != nil {
				return nil, err
			}
			continue
		}
		info.Status = resp.Status
		info.RateLimitRemaining, _ = remaining(resp.Header)
		c.noteQuota(resp.Header)

		switch {
		case resp.Status == http.StatusNotModified && cached != nil:
			info.FromCache = true
			c.emit(info)
			return cached, nil
		case resp.Status >= 200 && resp.Status < 300:
			c.emit(info)
			c.remember(key, resp)
			return resp, nil
		}

		if wait, reset, limited := c.rateLimit(resp); limited {
			info.RateLimited = true
			rateWaits++
			if waited+wait > c.maxWait || rateWaits > maxRateLimitWaits {
				info.Err = &RateLimitError{URL: redact.URL(u.String()), Reset: reset, Wait: wait}
				c.emit(info)
				return nil, info.Err
			}
			info.Wait = wait
			c.emit(info)
			waited += wait
			if err := c.sleep(ctx, wait); err != nil {
				return nil, err
			}
			attempt-- // a rate-limit wait is not a failed attempt
			continue
		}
		if resp.Status >= 500 && attempt < c.attempts {
			info.Wait = backoff.Delay(c.backoff, c.maxBack, attempt)
			c.emit(info)
			if err := c.sleep(ctx, info.Wait); err != nil {
				return nil, err
			}
			continue
		}
		herr := statusError(u, resp)
		info.Err = herr
		c.emit(info)
		return nil, herr
	}
}

// once performs one attempt under the per-request timeout and reads the
// body (capped).
func (c *client) once(ctx context.Context, u *url.URL, etag string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.auth != nil && c.sameHost(u) {
		c.auth(req.Header)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	// Sized from Content-Length when the server sends one: io.ReadAll's
	// doubling would allocate about twice a large page.
	var buf bytes.Buffer
	if res.ContentLength > 0 && res.ContentLength <= c.maxBody {
		buf.Grow(int(res.ContentLength) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(res.Body, c.maxBody+1)); err != nil {
		return nil, fmt.Errorf("%w: %w", errReadBody, err)
	}
	body := buf.Bytes()
	if int64(len(body)) > c.maxBody {
		return nil, &HTTPError{Method: http.MethodGet, URL: redact.URL(u.String()), Status: res.StatusCode,
			Message: fmt.Sprintf("body larger than %d bytes", c.maxBody), Err: ErrBadResponse}
	}
	return &response{Status: res.StatusCode, Header: res.Header, Body: body, URL: res.Request.URL}, nil
}

func (c *client) emit(info RequestInfo) {
	if c.observe != nil {
		c.observe(info)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
