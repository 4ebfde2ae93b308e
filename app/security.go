package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
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
		c.conf.red = secure.NewRedactor()
	}
	c.stdout = secure.NewWriter(c.stdout, c.conf.red)
	c.stderr = secure.NewWriter(c.stderr, c.conf.red)
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
	c.auditFile = f
	c.auditLog = zerolog.New(secure.NewWriter(f, c.conf.red)).With().Timestamp().Logger()
	return nil
}

// closeAudit closes the audit log, if one is open.
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
	emit(c.log.Info())
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
		if err := c.vetRepo(prov, r); err != nil {
			c.audit(auditInputRejected, err, "provider", prov)
			c.log.Warn().Str("provider", prov).Str("error", c.redact(err.Error())).Msg("listed repository refused")
			continue
		}
		out = append(out, r)
	}
	return out
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
