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

	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/telemetry"
)

// secureStreams makes every byte mgit writes to stdout and stderr pass the
// redactor (logs, NDJSON, text, errors), keeping the raw writers for the
// terminal checks.
func (c *Factory) secureStreams() {
	if c.conf.red == nil {
		c.conf.red = secure.NewRedactor(redact.Text)
	}
	c.logs.red = c.conf.red
	c.stdout = secure.NewWriter(c.stdout, c.conf.red)
	c.stderr = secure.NewWriter(c.stderr, c.conf.red)
}

// flushStreams writes what the redacting writers still hold (an
// unfinished last line: they are line-buffered off a terminal, see
// secure.Writer). Main calls it on every way out, interrupted included.
func (c *Factory) flushStreams() {
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
func checkLogLevel(input, level string, redact func(string) string) error {
	if _, err := telemetry.ParseLevel(level); err != nil {
		v := redact(secure.Sanitize(level))
		if len(v) > 64 {
			v = v[:64] + "…"
		}
		return rejectInput("Use trace, debug, info, warn, error or disabled.",
			&secure.InputError{Input: input, Value: v, Rule: "not a log level (want trace, debug, info, warn, error or disabled)"})
	}
	return nil
}

// checkMetricsAddr checks --metrics-addr (flag), else MGIT_METRICS_ADDR, when
// set: HOST:PORT, :PORT or PORT. A host is allowed to be public (a
// container listens on 0.0.0.0 for its scraper); PORT and :PORT bind to
// loopback.
func checkMetricsAddr(flag string, getenv func(string) string) error {
	input, addr := "--metrics-addr", flag
	if addr == "" {
		input, addr = envMetricsAddr, getenv(envMetricsAddr)
	}
	if addr == "" {
		return nil
	}
	if err := secure.ValidateAddr(input, addr, true); err != nil {
		return rejectInput("Use PORT, :PORT (loopback) or HOST:PORT, e.g. 9090 or 0.0.0.0:9090.", err)
	}
	return nil
}

// checkConfigFile refuses a configuration file other users can read or
// change (see secure.CheckPrivateFile).
func (l *logs) checkConfigFile(path string) error {
	if err := secure.CheckPrivateFile(path); err != nil {
		hint := "mgit's configuration decides where tokens are sent; keep it private."
		return l.rejected(hint, err)
	}
	return nil
}

// urlOptions are the URL rules of this invocation: local sources only
// where the user gave them.
func (g globals) urlOptions(local bool) secure.URLOptions {
	return secure.URLOptions{AllowInsecureHTTP: g.allowInsecureHTTP, AllowFile: local}
}

// checkSourceURLs validates clone URLs the user gave (arguments or --from
// lines) under the URL rules opt (local sources are allowed there).
func (l *logs) checkSourceURLs(from string, urls []string, opt secure.URLOptions) error {
	for i, u := range urls {
		input := "clone SOURCE"
		if from != "" {
			input = fmt.Sprintf("--from %s entry %d", from, i+1)
		}
		if err := secure.ValidateURL(input, u, opt); err != nil {
			return l.rejected("Give an https://, ssh:// or user@host:path URL (http:// only to loopback, or add --allow-insecure-http).", err)
		}
	}
	return nil
}

// checkProviderURLs validates the API URL of every configured provider
// under the URL rules opt, auditing a refusal to l.
func checkProviderURLs(l *logs, conf configState, opt secure.URLOptions) error {
	for _, p := range conf.cfg.Providers {
		if p.URL == "" {
			continue
		}
		if err := secure.ValidateURL("provider "+p.Name+" url", p.URL, opt); err != nil {
			return l.rejected("Use an https:// URL in "+conf.pathForHumans()+" (http:// only to loopback, or add --allow-insecure-http).", err)
		}
	}
	return nil
}

// vetListed checks one listed repository of provider prov (vetRepo): a
// refused one is audited and logged to log, and vetListed returns false.
// list, clone QUERY, the dashboard and sync all vet through it.
func vetListed(l *logs, redact func(string) string, opt secure.URLOptions, log zerolog.Logger, prov string, r provider.Repo) bool {
	err := vetRepo(prov, r, opt)
	if err == nil {
		return true
	}
	l.auditTo(log, auditInputRejected, err, "provider", prov)
	log.Warn().Str("provider", prov).Str("error", redact(err.Error())).Msg("listed repository refused")
	return false
}

// vetRepo checks one listed repository's names, default branch and clone
// URL (under the URL rules opt) against the input rules.
func vetRepo(prov string, r provider.Repo, opt secure.URLOptions) error {
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
		if err := secure.ValidateURL(in+"clone URL of "+r.Name, r.CloneURL, opt); err != nil {
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

// Client-side API request budget per host: well under every provider's
// documented limit (GitHub: 5,000 an hour sustained, bursts of 100 a
// minute for secondary limits), so mgit never looks like an abuse client,
// and large enough that a listing of 10,000 repositories (100 pages) takes
// seconds.
const (
	apiRequestsPerSecond = 10
	apiBurst             = 20
)
