package provider

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/backoff"
	"github.com/mgit-dev/mgit/engine/redact"
)

// secondaryLimitWait is how long GitHub asks a client to back off after a
// secondary rate limit that came without Retry-After ("wait at least one
// minute").
const secondaryLimitWait = time.Minute

// remaining reads the remaining quota: X-RateLimit-Remaining (GitHub,
// Gitea, Bitbucket) or RateLimit-Remaining (GitLab).
func remaining(h http.Header) (int, bool) {
	for _, k := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining"} {
		if v := h.Get(k); v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err == nil {
				return n, true
			}
		}
	}
	return -1, false
}

// resetTime reads X-RateLimit-Reset / RateLimit-Reset (epoch seconds).
func resetTime(h http.Header) (time.Time, bool) {
	for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
		if v := h.Get(k); v != "" {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err == nil && n > 0 {
				return time.Unix(n, 0), true
			}
		}
	}
	return time.Time{}, false
}

// retryAfter parses Retry-After as delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			n = 0
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// rateLimit decides whether a non-2xx response is a rate limit and how long
// to wait: 429; a 403 with Retry-After, X-RateLimit-Remaining: 0 or a body
// speaking of a (secondary) rate limit (GitHub answers both limits with
// 403). The wait comes from Retry-After, else the reset time, else the
// backoff (or a minute for GitHub's secondary limit).
func (c *client) rateLimit(resp *response) (wait time.Duration, reset time.Time, limited bool) {
	now := c.now()
	rem, hasRem := remaining(resp.Header)
	ra, hasRA := retryAfter(resp.Header, now)
	lbody := bytes.ToLower(resp.Body)
	secondary := bytes.Contains(lbody, []byte("secondary rate limit")) ||
		bytes.Contains(lbody, []byte("abuse detection"))
	switch resp.Status {
	case http.StatusTooManyRequests:
		limited = true
	case http.StatusForbidden:
		limited = hasRA || (hasRem && rem == 0) || secondary ||
			bytes.Contains(lbody, []byte("rate limit exceeded"))
	}
	if !limited {
		return 0, time.Time{}, false
	}
	switch rt, hasReset := resetTime(resp.Header); {
	case hasRA:
		wait, reset = ra, now.Add(ra)
	case hasReset && (!hasRem || rem == 0):
		wait, reset = rt.Sub(now), rt
		if wait < 0 {
			wait = 0
		}
		wait += time.Second // the reset second itself may still be limited
	case secondary:
		wait = secondaryLimitWait
		reset = now.Add(wait)
	default:
		wait = backoff.Delay(c.backoff, c.maxBack, 1)
		reset = now.Add(wait)
	}
	return wait, reset, true
}

// noteQuota remembers an exhausted quota reported on any response, so the
// next request waits for the reset instead of being refused.
func (c *client) noteQuota(h http.Header) {
	rem, ok := remaining(h)
	if !ok || rem != 0 {
		return
	}
	rt, ok := resetTime(h)
	if !ok {
		return
	}
	c.mu.Lock()
	if rt.After(c.blockedUntil) {
		c.blockedUntil = rt
	}
	c.mu.Unlock()
}

// waitBlocked waits for a known exhausted quota to reset before a request,
// or fails with a RateLimitError when that is beyond MaxWait.
func (c *client) waitBlocked(ctx context.Context, u *url.URL, waited *time.Duration) error {
	c.mu.Lock()
	until := c.blockedUntil
	c.mu.Unlock()
	if until.IsZero() {
		return nil
	}
	wait := until.Sub(c.now())
	if wait <= 0 {
		return nil
	}
	wait += time.Second
	if *waited+wait > c.maxWait {
		err := &RateLimitError{URL: redact.URL(u.String()), Reset: until, Wait: wait}
		c.emit(RequestInfo{Provider: c.provider, Method: http.MethodGet, Host: u.Host, Path: u.Path,
			RateLimitRemaining: 0, RateLimited: true, Err: err})
		return err
	}
	c.emit(RequestInfo{Provider: c.provider, Method: http.MethodGet, Host: u.Host, Path: u.Path,
		RateLimitRemaining: 0, RateLimited: true, Wait: wait})
	*waited += wait
	if err := c.sleep(ctx, wait); err != nil {
		return err
	}
	c.mu.Lock()
	if !c.blockedUntil.After(until) {
		c.blockedUntil = time.Time{}
	}
	c.mu.Unlock()
	return nil
}
