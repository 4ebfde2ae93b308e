package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/telemetry"
)

// providerSet builds the configured providers' clients for one command and
// asks them: it holds what a client needs from the invocation (the
// credential store, the per-host rate limiter, the logs and redactor, the
// URL rules listed repositories are vetted by) and the command's
// providerOptions. Factory.providerSet builds it.
type providerSet struct {
	store   *secure.Store
	getenv  func(string) string
	logs    *logs
	redact  func(string) string
	limiter *provider.RateLimiter
	// configPath names the configuration in hints (configState.pathForHumans).
	configPath string
	urls       secure.URLOptions
	opt        providerOptions
}

// providerSet is the provider clients' builder for a command with opt;
// the rate limiter is made on first use and shared by every set of the
// invocation.
func (c *Factory) providerSet(opt providerOptions) *providerSet {
	if c.limiter == nil {
		c.limiter = provider.NewRateLimiter(apiRequestsPerSecond, apiBurst)
	}
	return &providerSet{store: c.conf.store, getenv: c.getenv, logs: &c.logs, redact: c.redact, limiter: c.limiter,
		configPath: c.conf.pathForHumans(), urls: c.g.urlOptions(false), opt: opt}
}

// vetRepos drops listed repositories whose names, clone URL or default
// branch break the input rules, before they become paths, URLs or
// terminal text; each is logged as a rejected input. A hostile or broken
// server then costs its bad entries, not the whole listing.
func (set *providerSet) vetRepos(prov string, repos []provider.Repo) []provider.Repo {
	out := repos[:0:0]
	for _, r := range repos {
		if vetListed(set.logs, set.redact, set.urls, set.logs.log, prov, r) {
			out = append(out, r)
		}
	}
	return out
}

// newProvider builds p with its token (registered with the redactor by
// the store) and the discovery cache. A missing token is an auth error:
// the providers mgit talks to need one for anything private.
func (ps *providerSet) newProvider(p config.Provider, cache provider.Cache) (provider.Provider, error) {
	tok, err := ps.store.Lookup(ref(p))
	if err != nil {
		return nil, &providerError{name: p.Name, err: &noTokenError{err: err}}
	}
	pc := p.ProviderConfig()
	pc.Token = tok.Value
	pc.Cache = cache
	pc.MaxWait = ps.opt.maxWait
	pc.UserAgent = "mgit/" + version()
	pc.Observe = ps.observeProvider
	if o := ps.opt.obs; o != nil {
		pc.Observe = o.observeRequests()
		if o.tracing.Enabled() {
			pc.Client = &http.Client{Transport: o.tracing.Transport(nil, p.Name)}
		}
	}
	pc.Observe = ps.logs.auditRequests(pc.Observe)
	pc.MaxRepos = ps.opt.maxRepos
	pc.RateLimit = ps.limiter
	pr, err := provider.New(pc)
	if err != nil {
		return nil, usagef("Fix the provider with 'mgit login' or in "+ps.configPath+".", "%s", err)
	}
	ps.logs.log.Debug().Str("provider", p.Name).Str("token_source", tok.Source).Msg("provider ready")
	return pr, nil
}

// listingCache is the discovery cache under $XDG_CACHE_HOME/mgit, or nil
// (no conditional requests) when no cache directory can be named. It takes
// the provider client's keys ("<provider> <url>") as they are, so two
// accounts on one host keep separate listings.
func (ps *providerSet) listingCache() provider.Cache {
	dir, err := state.DefaultDir(ps.getenv)
	if err != nil {
		ps.logs.log.Warn().Err(err).Msg("no discovery cache")
		return nil
	}
	return state.OpenListings(dir, ps.logs.log)
}

// observeProvider logs every provider HTTP exchange at debug level and
// rate-limit waits at warn, so a long wait is never silent.
func (ps *providerSet) observeProvider(ri provider.RequestInfo) {
	ev := ps.logs.log.Debug()
	if ri.RateLimited && ri.Wait > 0 {
		ev = ps.logs.log.Warn()
	}
	ev = ev.Str("provider", ri.Provider).Str("method", ri.Method).Str("host", ri.Host).Str("path", ri.Path).
		Int("status", ri.Status).Dur("duration", ri.Duration).Int("attempt", ri.Attempt).Bool("from_cache", ri.FromCache)
	if ri.Wait > 0 {
		ev = ev.Dur("wait", ri.Wait).Bool("rate_limited", ri.RateLimited)
	}
	if ri.Err != nil {
		ev = ev.Str("error", ps.redact(ri.Err.Error()))
	}
	msg := "provider request"
	if ri.RateLimited && ri.Wait > 0 {
		msg = "provider rate limited; waiting"
	}
	ev.Msg(msg)
}

// listed is one provider's answer to a query.
type listed struct {
	name  string
	repos []provider.Repo
	err   *providerError
}

// listAll asks every provider in ps for q concurrently, applies the
// filters, and returns the repositories sorted by provider and full name
// with every provider's failure (provider.FanOut.All).
func (set *providerSet) listAll(ctx context.Context, ps []config.Provider, q provider.Query, fo provider.FilterOptions) ([]provider.Repo, []*providerError, error) {
	ts, err := set.targets(ps)
	if err != nil {
		return nil, nil, err
	}
	repos, answers := set.fanOut(q, fo).All(ctx, ts)
	if ctx.Err() != nil {
		return nil, nil, interrupted(nil)
	}
	fails := make([]*providerError, len(answers))
	for i, a := range answers {
		fails[i] = asProviderError(a)
	}
	return repos, fails, nil
}

// listEach asks every provider in ps for q concurrently and calls done
// with each provider's filtered answer as soon as it has it
// (provider.FanOut.Each). Its error is only for a provider configuration
// mgit cannot use (a usage error), before any provider is asked. The
// dashboard streams the answers; listAll collects them.
func (set *providerSet) listEach(ctx context.Context, ps []config.Provider, q provider.Query, fo provider.FilterOptions, done func(listed)) error {
	ts, err := set.targets(ps)
	if err != nil {
		return err
	}
	set.fanOut(q, fo).Each(ctx, ts, func(a provider.Answer) {
		if a.Err != nil {
			done(listed{name: a.Name, err: asProviderError(a)})
			return
		}
		done(listed{name: a.Name, repos: a.Repos})
	})
	return nil
}

// targets builds every provider of ps with its token and the discovery
// cache. A provider without a token is that provider's failure; any other
// error (a configuration mgit cannot use) is returned.
func (set *providerSet) targets(ps []config.Provider) ([]provider.Target, error) {
	cache := set.listingCache()
	ts := make([]provider.Target, len(ps))
	for i, p := range ps {
		pr, err := set.newProvider(p, cache)
		if err != nil {
			var pe *providerError
			if !errors.As(err, &pe) {
				return nil, err
			}
			ts[i] = provider.Target{Name: p.Name, Err: pe}
			continue
		}
		ts[i] = provider.Target{Name: p.Name, Provider: pr}
	}
	return ts, nil
}

// fanOut is the query's fan-out: filtered by fo, vetted by the input
// rules, a "discover" span per provider when tracing is on.
func (set *providerSet) fanOut(q provider.Query, fo provider.FilterOptions) provider.FanOut {
	var tracing *telemetry.Tracing
	if set.opt.obs != nil {
		tracing = set.opt.obs.tracing
	}
	return provider.FanOut{Query: q, Filter: &fo, Vet: set.vetRepos, Span: discoverSpan(tracing)}
}

// asProviderError is a failed answer as providerError (a build failure
// already is one).
func asProviderError(a provider.Answer) *providerError {
	var pe *providerError
	if errors.As(a.Err, &pe) {
		return pe
	}
	return &providerError{name: a.Name, err: a.Err}
}

// discoverSpan starts the "discover" span of one provider's listing, or
// nil without tracing.
func discoverSpan(tracing *telemetry.Tracing) func(context.Context, provider.Provider, provider.Query) (context.Context, func(error)) {
	if tracing == nil {
		return nil
	}
	return func(ctx context.Context, pr provider.Provider, q provider.Query) (context.Context, func(error)) {
		return tracing.StartSpan(ctx, "discover", map[string]string{"mgit.provider": pr.Name(), "mgit.query": q.String()})
	}
}

// discover asks every provider of prs that is not nil for q concurrently,
// each under a "discover" span when tracing is on, and calls done with
// provider i's unfiltered answer from its goroutine. It returns once all
// answered. The sync's providerLister uses it.
func discover(ctx context.Context, prs []provider.Provider, q provider.Query, tracing *telemetry.Tracing, done func(i int, repos []provider.Repo, err error)) {
	ts := make([]provider.Target, len(prs))
	for i, pr := range prs {
		if pr != nil {
			ts[i] = provider.Target{Name: pr.Name(), Provider: pr}
		}
	}
	provider.FanOut{Query: q, Span: discoverSpan(tracing)}.Each(ctx, ts, func(a provider.Answer) {
		done(a.Index, a.Repos, a.Err)
	})
}

// reportProviderErrors prints each failure with its advice to stderr and
// returns the exit code they call for: 3 when every failure is an
// authentication failure, else 1; 0 when there are none.
func reportProviderErrors(stderr io.Writer, l *logs, fails []*providerError) int {
	code := exitOK
	for _, f := range fails {
		msg := l.redact(f.Error())
		l.log.Error().Str("provider", f.name).Str("error", msg).Msg("provider failed")
		fmt.Fprintf(stderr, "mgit: %s\n", msg)
		if h := f.hint(); h != "" {
			fmt.Fprintf(stderr, "  %s\n", h)
		}
		switch {
		case code == exitOK:
			code = f.code()
		case code != f.code():
			code = exitFailed
		}
	}
	return code
}
