package engine

import (
	"context"
	"errors"
	"regexp"
	"sync"

	"github.com/mgit-dev/mgit/engine/git"
)

// The engine side of adaptive network concurrency (limit.go): every
// finished attempt of a network operation is fed to its host's limiter, and
// every value chosen is logged at info level, told to a LimitObserver and
// sent as a NetworkLimit event, so that --log-level info, the metrics and
// the dashboard header show it.

// rateLimitText is how a rate limit shows in git's message when the
// Retry-After header was not learned: git's "The requested URL returned
// error: 429", go-git's "status code: 429", or a secondary-limit text.
// Compiled on first use, not in package init: init runs before every command, and most never need it.
var rateLimitText = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)(returned error|status code):? 429\b|too many requests|rate limit`)
})

// rateLimited reports whether err is the host asking for fewer requests.
func rateLimited(err error) bool {
	var ge *git.Error
	if !errors.As(err, &ge) || !errors.Is(err, git.ErrNetwork) {
		return false
	}
	return ge.RetryAfter > 0 || rateLimitText().MatchString(ge.Detail)
}

// outcomeOf classifies an attempt's error for the limiter; ok is false for
// attempts that say nothing about the host (cancelled ones).
func outcomeOf(err error) (o outcome, ok bool) {
	switch {
	case err == nil:
		return outcomeOK, true
	case errors.Is(err, context.Canceled):
		return 0, false
	case rateLimited(err):
		return outcomeRateLimited, true
	case hostFailure(err):
		return outcomeFailed, true
	}
	return outcomeOK, true // an answer: not found, auth, not fast-forward
}

// observeAttempt feeds one finished network attempt to its host's limiter.
func (x *opExec) observeAttempt(s sample, err error) {
	host := x.jb.Repo.Host
	if x.pool == nil || host == "" || x.r.ctx.Err() != nil {
		return
	}
	o, ok := outcomeOf(err)
	if !ok {
		return
	}
	s.outcome = o
	ch, total := x.pool.observe(host, s)
	if ch != nil {
		x.r.reportLimit(host, x.jb.Repo.Provider, *ch, total, true)
	}
}

// announceHosts reports the limit of every network host of jobs the engine
// has not reported yet; the run calls it before any job starts.
func (r *run) announceHosts(jobs []job) {
	p := r.e.network
	for _, j := range jobs {
		if r.poolFor(j.Op) != p {
			continue
		}
		if n, total, ok := p.announce(j.Repo.Host); ok {
			why := LimitFixed
			if p.adaptive != nil {
				why = LimitInitial
			}
			r.reportLimit(j.Repo.Host, j.Repo.Provider, limitChange{To: n, Reason: why}, total, p.adaptive != nil)
		}
	}
}

// reportLimit logs, observes and emits one chosen limit.
func (r *run) reportLimit(host, provider string, ch limitChange, total int, adaptive bool) {
	ev := r.log.Info().Str("host", host).Int("concurrency", ch.To).Int("previous", ch.From).
		Int("total", total).Str("reason", string(ch.Reason))
	if ch.Latency > 0 {
		ev = ev.Dur("latency", ch.Latency).Dur("baseline", ch.Baseline).Float64("ops_per_s", ch.Ops)
	}
	ev.Msg("network concurrency")
	if o, ok := r.e.cfg.Observer.(LimitObserver); ok {
		o.NetworkLimit(host, provider, ch.To)
	}
	r.e.emit(r.id, "", func(m Meta) Event {
		return NetworkLimit{Meta: m, Host: host, Provider: provider, Limit: ch.To, Previous: ch.From,
			Total: total, Adaptive: adaptive, Reason: ch.Reason}
	})
}
