package app

import (
	"errors"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
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

// logs are the log sinks of one invocation: the main log, --audit-log,
// and the redactor every audited value passes. The Factory embeds them,
// so every command logs and audits through the same sinks.
type logs struct {
	log zerolog.Logger
	// red is the Factory's redactor (set with the redacting streams).
	red *secure.Redactor
	// auditFile and auditLog are --audit-log, when given.
	auditFile *secure.Writer
	auditLog  zerolog.Logger
}

// redact masks every token resolved so far; safe before the streams are
// set up.
func (l *logs) redact(s string) string {
	if l.red == nil {
		return s
	}
	return l.red.Redact(s)
}

// openAudit opens path, --audit-log, (0600, appended to): audit events go there
// as JSON lines, besides the main log.
func (l *logs) openAudit(path string) error {
	if path == "" {
		return nil
	}
	f, err := secure.OpenPrivateAppend(path)
	if err != nil {
		return usagef("Give --audit-log a file you can write.", "--audit-log: %s", err)
	}
	l.auditFile = secure.NewWriter(f, l.red)
	l.auditLog = zerolog.New(l.auditFile).With().Timestamp().Logger()
	return nil
}

// closeAudit flushes and closes the audit log, if one is open.
func (l *logs) closeAudit() {
	if l.auditFile != nil {
		_ = l.auditFile.Close()
		l.auditFile = nil
	}
}

// audit records one security event with audit=true in the main log (at
// info) and in --audit-log. fields are strings (never a secret: values are
// redacted anyway); err is the failure, if any.
func (l *logs) audit(action string, err error, fields ...string) {
	l.auditTo(l.log, action, err, fields...)
}

// auditTo is audit into log instead of l.log (a sync cycle's logger, which
// carries the cycle's run_id).
func (l *logs) auditTo(log zerolog.Logger, action string, err error, fields ...string) {
	emit := func(ev *zerolog.Event) {
		ev = ev.Bool("audit", true).Str("action", action)
		for i := 0; i+1 < len(fields); i += 2 {
			ev = ev.Str(fields[i], l.redact(fields[i+1]))
		}
		if err != nil {
			ev = ev.Str("error", l.redact(err.Error()))
		}
		ev.Msg("audit " + action)
	}
	emit(log.Info())
	if l.auditFile != nil {
		emit(l.auditLog.Log())
	}
}

// auditCredential is the store's audit hook.
func (l *logs) auditCredential(ev secure.AuditEvent) {
	l.audit(ev.Action, ev.Err, "provider", ev.Provider, "source", ev.Source)
}

// rejected records a refused input and returns the usage error for it.
func (l *logs) rejected(hint string, err error) error {
	l.audit(auditInputRejected, err)
	return usagef(hint, "%s", err)
}

// auditRejected audits a refused input that ended the command (Main's
// error path); inputs refused through c.rejected were audited already.
func (l *logs) auditRejected(err error) {
	var ue *usageError
	if errors.As(err, &ue) && ue.cause != nil && errors.Is(ue.cause, secure.ErrRejected) {
		l.audit(auditInputRejected, ue.cause)
	}
}

// gitAuthAuditor returns the event hook that audits every operation git
// refused for its credentials (an OpFinished failing with git.ErrAuth):
// auth.failure with the provider, the host and the repository ID, and the
// redacted error — never a token. Provider 401/403 are audited by
// auditRequests; this is the git side. jobs are the run's (for the host);
// log gives the logger of the moment (a sync cycle's carries its run_id).
func (l *logs) gitAuthAuditor(log func() zerolog.Logger, jobs []engine.Job) func(engine.Event) {
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
		l.auditTo(log(), auditAuthFailure, fin.Err, "provider", r.Provider, "host", r.Host,
			"repo", fin.RepoID, "op", string(fin.Op))
	}
}

// auditRequests wraps a provider Observe func: a refused token and a
// rate-limit block become audit events.
func (l *logs) auditRequests(next func(provider.RequestInfo)) func(provider.RequestInfo) {
	return func(ri provider.RequestInfo) {
		switch {
		case ri.RateLimited:
			l.audit(auditRateLimited, ri.Err, "provider", ri.Provider, "host", ri.Host, "wait", ri.Wait.String())
		case ri.Status == 401 || ri.Status == 403 || isAuthFailure(ri.Err):
			l.audit(auditAuthFailure, ri.Err, "provider", ri.Provider, "host", ri.Host, "status", fmt.Sprint(ri.Status))
		}
		if next != nil {
			next(ri)
		}
	}
}
