package provider

import (
	"context"
	"crypto/sha256"
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

// itemSet remembers the items a listing has seen, by identity, so a
// repeated item counts once and a page of nothing new is recognised.
type itemSet struct {
	ids    map[string]struct{}
	bodies map[[sha256.Size]byte]struct{} // pages whose items carry no identity
}

func newItemSet() *itemSet {
	return &itemSet{ids: map[string]struct{}{}, bodies: map[[sha256.Size]byte]struct{}{}}
}

// itemKey holds the fields that identify a listed item on the providers
// mgit knows: "id" (GitHub, Gitea, GitLab, Azure DevOps, Bitbucket Data
// Center), "uuid" (Bitbucket Cloud), names and paths. All of them together
// are the identity, so two items that share one field (a broken server's
// ids) are still two. Decoding into it keeps only these few bytes per item,
// however large the page.
type itemKey struct {
	ID       json.RawMessage `json:"id"`
	UUID     string          `json:"uuid"`
	Name     string          `json:"name"`
	FullName string          `json:"full_name"`
	Path     string          `json:"path_with_namespace"`
	Slug     string          `json:"slug"`
}

// String is the item's identity, "" when it has none of the fields.
func (k itemKey) String() string {
	id := string(k.ID)
	if id == "null" {
		id = ""
	}
	if id == "" && k.UUID == "" && k.Name == "" && k.FullName == "" && k.Path == "" && k.Slug == "" {
		return ""
	}
	return strings.Join([]string{id, k.UUID, k.Name, k.FullName, k.Path, k.Slug}, "\x00")
}

// add counts the items of one page — the elements of a JSON array body, or
// of the "value" (Azure DevOps) or "values" (Bitbucket) array of an object;
// other bodies have none — and how many of them the set had not seen. Items
// without an identity are new unless the whole page repeats an earlier one.
func (s *itemSet) add(body []byte) (total, fresh int) {
	var keys []itemKey
	if json.Unmarshal(body, &keys) != nil {
		var obj struct {
			Value  []itemKey `json:"value"`
			Values []itemKey `json:"values"`
		}
		if json.Unmarshal(body, &obj) != nil {
			return 0, 0
		}
		keys = append(obj.Value, obj.Values...)
	}
	anonymous := 0
	for _, k := range keys {
		id := k.String()
		if id == "" {
			anonymous++
			continue
		}
		if _, ok := s.ids[id]; !ok {
			s.ids[id] = struct{}{}
			fresh++
		}
	}
	if anonymous > 0 {
		sum := sha256.Sum256(body)
		if _, ok := s.bodies[sum]; !ok {
			s.bodies[sum] = struct{}{}
			fresh += anonymous
		}
	}
	return len(keys), fresh
}
