package provider

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"
)

// ErrTooManyRepos is wrapped when a listing returns more repositories than
// the client's bound (Config.MaxRepos): a query that big is a mistake, or a
// server trying to exhaust memory and disk.
var ErrTooManyRepos = errors.New("too many repositories")

// DefaultMaxRepos bounds the repositories one listing may return unless
// Config.MaxRepos raises it.
const DefaultMaxRepos = 10000

// RateLimiter is a token bucket per host: at most rate requests per second
// on average, bursts of up to burst. One limiter may be shared by every
// provider of a process, so two accounts on one server share its budget.
// It is safe for concurrent use.
type RateLimiter struct {
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter of rate requests per second per host
// with bursts of burst (at least 1).
func NewRateLimiter(rate float64, burst int) *RateLimiter {
	if burst < 1 {
		burst = 1
	}
	return &RateLimiter{rate: rate, burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}}
}

// reserve takes a token for host and returns how long to wait before
// using it (0 when one was available).
func (l *RateLimiter) reserve(host string) time.Duration {
	if l == nil || l.rate <= 0 {
		return 0
	}
	host = strings.ToLower(host)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[host]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[host] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * l.rate
	if b.tokens > l.burst {
		b.tokens = l.burst
	}
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / l.rate * float64(time.Second))
}

// waitLimiter blocks until the client may send a request to host under
// its RateLimiter.
func (c *client) waitLimiter(ctx context.Context, host string) error {
	d := c.limiter.reserve(host)
	if d <= 0 {
		return ctx.Err()
	}
	return c.sleep(ctx, d)
}

// countItems counts the repositories (or other items) of one page: the
// elements of a JSON array body, or of the "value" (Azure DevOps) or
// "values" (Bitbucket) array of an object. Other bodies count 0.
func countItems(body []byte) int {
	var arr []json.RawMessage
	if json.Unmarshal(body, &arr) == nil {
		return len(arr)
	}
	var obj struct {
		Value  []json.RawMessage `json:"value"`
		Values []json.RawMessage `json:"values"`
	}
	if json.Unmarshal(body, &obj) == nil {
		return len(obj.Value) + len(obj.Values)
	}
	return 0
}
