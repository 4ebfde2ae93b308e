package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/telemetry"
)

// Audit actions logged by the app (the store adds secure.AuditCredential*).
const (
	auditLogin         = "login"
	auditLoginFailed   = "login.failed"
	auditLogout        = "logout"
	auditAuthFailure   = "auth.failure"
	auditRateLimited   = "ratelimit.blocked"
	auditInputRejected = "input.rejected"
)

// secureStreams makes every byte mgit writes to stdout and stderr pass the
// redactor (logs, NDJSON, text, errors), keeping the raw writers for the
// terminal checks.
func (c *cli) secureStreams() {
	if c.conf.red == nil {
		c.conf.red = secure.NewRedactor(redact.Text)
	}
	c.stdout = secure.NewWriter(c.stdout, c.conf.red)
	c.stderr = secure.NewWriter(c.stderr, c.conf.red)
}

// flushStreams writes what the redacting writers still hold (an
// unfinished last line: they are line-buffered off a terminal, see
// secure.Writer). Main calls it on every way out, interrupted included.
func (c *cli) flushStreams() {
	for _, w := range []io.Writer{c.stdout, c.stderr} {
		if f, ok := w.(interface{ Flush() error }); ok {
			_ = f.Flush() // nowhere left to report a broken stream
		}
	}
}

// fileOf finds the *os.File under w (through redacting wrappers), so
// terminal checks still work on wrapped streams.
func fileOf(w io.Writer) (*os.File, bool) {
	for {
		switch v := w.(type) {
		case *os.File:
			return v, true
		case interface{ Unwrap() io.Writer }:
			w = v.Unwrap()
		default:
			return nil, false
		}
	}
}

// openAudit opens --audit-log (0600, appended to): audit events go there
// as JSON lines, besides the main log.
func (c *cli) openAudit() error {
	if c.g.auditLog == "" {
		return nil
	}
	f, err := secure.OpenPrivateAppend(c.g.auditLog)
	if err != nil {
		return usagef("Give --audit-log a file you can write.", "--audit-log: %s", err)
	}
	c.auditFile = secure.NewWriter(f, c.conf.red)
	c.auditLog = zerolog.New(c.auditFile).With().Timestamp().Logger()
	return nil
}

// closeAudit flushes and closes the audit log, if one is open.
func (c *cli) closeAudit() {
	if c.auditFile != nil {
		_ = c.auditFile.Close()
		c.auditFile = nil
	}
}

// audit records one security event with audit=true in the main log (at
// info) and in --audit-log. fields are strings (never a secret: values are
// redacted anyway); err is the failure, if any.
func (c *cli) audit(action string, err error, fields ...string) {
	c.auditTo(c.log, action, err, fields...)
}

// auditTo is audit into log instead of c.log (a sync cycle's logger, which
// carries the cycle's run_id).
func (c *cli) auditTo(log zerolog.Logger, action string, err error, fields ...string) {
	emit := func(ev *zerolog.Event) {
		ev = ev.Bool("audit", true).Str("action", action)
		for i := 0; i+1 < len(fields); i += 2 {
			ev = ev.Str(fields[i], c.redact(fields[i+1]))
		}
		if err != nil {
			ev = ev.Str("error", c.redact(err.Error()))
		}
		ev.Msg("audit " + action)
	}
	emit(log.Info())
	if c.auditFile != nil {
		emit(c.auditLog.Log())
	}
}

// auditCredential is the store's audit hook.
func (c *cli) auditCredential(ev secure.AuditEvent) {
	c.audit(ev.Action, ev.Err, "provider", ev.Provider, "source", ev.Source)
}

// rejected records a refused input and returns the usage error for it.
func (c *cli) rejected(hint string, err error) error {
	c.audit(auditInputRejected, err)
	return usagef(hint, "%s", err)
}

// Bounds of the duration and count flags. Each keeps a typo (a timeout
// of 90ms meant as 90s, an interval that would hammer the provider, a
// --max-repos that lifts the abuse limit altogether) from becoming a
// misbehaving run; 0 keeps its documented meaning where it has one.
const (
	minTimeout  = time.Second    // --timeout (0: the defaults)
	maxTimeout  = 24 * time.Hour //
	minInterval = 10 * time.Second
	maxInterval = 24 * time.Hour // longer: run --once from a scheduler
	maxGrace    = time.Hour      // --grace (0: cancel at once)
	maxMaxWait  = 24 * time.Hour // --max-wait (0: never wait for a reset)
	maxMaxRepos = 1_000_000      // --max-repos, per provider
)

// rejectInput is the usage error (exit 2) for a refused input err (a
// secure.InputError, which names the input and the rule); Main audits it.
func rejectInput(hint string, err error) error {
	return &usageError{msg: err.Error(), hint: hint, cause: err}
}

// checkDuration applies secure.ParseDuration's rule to a duration flag
// cobra has parsed: it must lie in [lo, hi].
func checkDuration(input string, d, lo, hi time.Duration, hint string) error {
	if _, err := secure.ParseDuration(input, secure.ShortDuration(d), lo, hi); err != nil {
		return rejectInput(hint, err)
	}
	return nil
}

// checkCount checks an integer flag lies in [lo, hi].
func checkCount(input string, n, lo, hi int, hint string) error {
	if n < lo || n > hi {
		return rejectInput(hint, &secure.InputError{Input: input, Value: strconv.Itoa(n),
			Rule: fmt.Sprintf("must be between %d and %d", lo, hi)})
	}
	return nil
}

// checkLogLevel checks a log level name (from --log-level or
// MGIT_LOG_LEVEL, named by input); "" is the default.
func (c *cli) checkLogLevel(input, level string) error {
	if _, err := telemetry.ParseLevel(level); err != nil {
		v := c.redact(secure.Sanitize(level))
		if len(v) > 64 {
			v = v[:64] + "…"
		}
		return rejectInput("Use trace, debug, info, warn, error or disabled.",
			&secure.InputError{Input: input, Value: v, Rule: "not a log level (want trace, debug, info, warn, error or disabled)"})
	}
	return nil
}

// checkMetricsAddr checks --metrics-addr, else MGIT_METRICS_ADDR, when
// set: HOST:PORT, :PORT or PORT. A host is allowed to be public (a
// container listens on 0.0.0.0 for its scraper); PORT and :PORT bind to
// loopback.
func (c *cli) checkMetricsAddr() error {
	input, addr := "--metrics-addr", c.g.metricsAddr
	if addr == "" {
		input, addr = envMetricsAddr, c.getenv(envMetricsAddr)
	}
	if addr == "" {
		return nil
	}
	if err := secure.ValidateAddr(input, addr, true); err != nil {
		return rejectInput("Use PORT, :PORT (loopback) or HOST:PORT, e.g. 9090 or 0.0.0.0:9090.", err)
	}
	return nil
}

// auditRejected audits a refused input that ended the command (Main's
// error path); inputs refused through c.rejected were audited already.
func (c *cli) auditRejected(err error) {
	var ue *usageError
	if errors.As(err, &ue) && ue.cause != nil && errors.Is(ue.cause, secure.ErrRejected) {
		c.audit(auditInputRejected, ue.cause)
	}
}

// checkConfigFile refuses a configuration file other users can read or
// change (see secure.CheckPrivateFile).
func (c *cli) checkConfigFile(path string) error {
	if err := secure.CheckPrivateFile(path); err != nil {
		hint := "mgit's configuration decides where tokens are sent; keep it private."
		return c.rejected(hint, err)
	}
	return nil
}

// urlOptions are the URL rules of this invocation.
func (c *cli) urlOptions(local bool) secure.URLOptions {
	return secure.URLOptions{AllowInsecureHTTP: c.g.allowInsecureHTTP, AllowFile: local}
}

// checkSourceURLs validates clone URLs the user gave (arguments or --from
// lines): local sources are allowed there.
func (c *cli) checkSourceURLs(from string, urls []string) error {
	for i, u := range urls {
		input := "clone SOURCE"
		if from != "" {
			input = fmt.Sprintf("--from %s entry %d", from, i+1)
		}
		if err := secure.ValidateURL(input, u, c.urlOptions(true)); err != nil {
			return c.rejected("Give an https://, ssh:// or user@host:path URL (http:// only to loopback, or add --allow-insecure-http).", err)
		}
	}
	return nil
}

// checkProviderURLs validates the API URL of every configured provider.
func (c *cli) checkProviderURLs() error {
	for _, p := range c.conf.cfg.Providers {
		if p.URL == "" {
			continue
		}
		if err := secure.ValidateURL("provider "+p.Name+" url", p.URL, c.urlOptions(false)); err != nil {
			return c.rejected("Use an https:// URL in "+c.configPathForHumans()+" (http:// only to loopback, or add --allow-insecure-http).", err)
		}
	}
	return nil
}

// vetRepos drops listed repositories whose names, clone URL or default
// branch break the input rules, before they become paths, URLs or
// terminal text; each is logged as a rejected input. A hostile or broken
// server then costs its bad entries, not the whole listing.
func (c *cli) vetRepos(prov string, repos []provider.Repo) []provider.Repo {
	out := repos[:0:0]
	for _, r := range repos {
		if c.vetListed(c.log, prov, r) {
			out = append(out, r)
		}
	}
	return out
}

// vetListed checks one listed repository of provider prov (vetRepo): a
// refused one is audited and logged to log, and vetListed returns false.
// list, clone QUERY, the dashboard and sync all vet through it.
func (c *cli) vetListed(log zerolog.Logger, prov string, r provider.Repo) bool {
	err := c.vetRepo(prov, r)
	if err == nil {
		return true
	}
	c.auditTo(log, auditInputRejected, err, "provider", prov)
	log.Warn().Str("provider", prov).Str("error", c.redact(err.Error())).Msg("listed repository refused")
	return false
}

func (c *cli) vetRepo(prov string, r provider.Repo) error {
	in := "provider " + prov + ": "
	if err := secure.ValidateName(in+"repository name", r.Name); err != nil {
		return err
	}
	if r.Org != "" {
		if err := secure.ValidatePathName(in+"organisation of "+r.Name, r.Org); err != nil {
			return err
		}
	}
	if r.Project != "" {
		if err := secure.ValidatePathName(in+"project of "+r.Name, r.Project); err != nil {
			return err
		}
	}
	if r.DefaultBranch != "" {
		if err := secure.ValidateBranch(in+"default branch of "+r.Name, r.DefaultBranch); err != nil {
			return err
		}
	}
	if r.CloneURL != "" {
		if err := secure.ValidateURL(in+"clone URL of "+r.Name, r.CloneURL, c.urlOptions(false)); err != nil {
			return err
		}
	}
	if strings.ContainsFunc(r.FullName, secure.IsUnsafeRune) {
		return fmt.Errorf("%sfull name of %s: contains a control character: %w", in, r.Name, secure.ErrRejected)
	}
	return nil
}

// gitAuthAuditor returns the event hook that audits every operation git
// refused for its credentials (an OpFinished failing with git.ErrAuth):
// auth.failure with the provider, the host and the repository ID, and the
// redacted error — never a token. Provider 401/403 are audited by
// auditRequests; this is the git side. jobs are the run's (for the host);
// log gives the logger of the moment (a sync cycle's carries its run_id).
func (c *cli) gitAuthAuditor(log func() zerolog.Logger, jobs []engine.Job) func(engine.Event) {
	var repos map[string]engine.Repo // built at the first failure: most runs have none
	return func(ev engine.Event) {
		fin, ok := ev.(engine.OpFinished)
		if !ok || fin.Result.Outcome != engine.OutcomeFailed || !errors.Is(fin.Err, git.ErrAuth) {
			return
		}
		if repos == nil {
			repos = make(map[string]engine.Repo, len(jobs))
			for _, j := range jobs {
				repos[j.Repo.ID] = j.Repo
			}
		}
		r := repos[fin.RepoID]
		c.auditTo(log(), auditAuthFailure, fin.Err, "provider", r.Provider, "host", r.Host,
			"repo", fin.RepoID, "op", string(fin.Op))
	}
}

// isAuthFailure reports whether err is a provider's refusal of the token.
func isAuthFailure(err error) bool {
	return errors.Is(err, provider.ErrUnauthorized) || errors.Is(err, provider.ErrForbidden)
}

// auditRequests wraps a provider Observe func: a refused token and a
// rate-limit block become audit events.
func (c *cli) auditRequests(next func(provider.RequestInfo)) func(provider.RequestInfo) {
	return func(ri provider.RequestInfo) {
		switch {
		case ri.RateLimited:
			c.audit(auditRateLimited, ri.Err, "provider", ri.Provider, "host", ri.Host, "wait", ri.Wait.String())
		case ri.Status == 401 || ri.Status == 403 || isAuthFailure(ri.Err):
			c.audit(auditAuthFailure, ri.Err, "provider", ri.Provider, "host", ri.Host, "status", fmt.Sprint(ri.Status))
		}
		if next != nil {
			next(ri)
		}
	}
}

// Client-side API request budget per host: well under every provider's
// documented limit (GitHub: 5,000 an hour sustained, bursts of 100 a
// minute for secondary limits), so mgit never looks like an abuse client,
// and large enough that a listing of 10,000 repositories (100 pages) takes
// seconds.
const (
	apiRequestsPerSecond = 10
	apiBurst             = 20
)

// rateLimiter is the one per-host limiter of this invocation, shared by
// every provider.
func (c *cli) rateLimiter() *provider.RateLimiter {
	if c.limiter == nil {
		c.limiter = provider.NewRateLimiter(apiRequestsPerSecond, apiBurst)
	}
	return c.limiter
}
