package app

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
	"github.com/mgit-dev/mgit/ui/headless"
)

// globals are the flags every command accepts.
type globals struct {
	noTUI       bool
	output      string
	concurrency int
	backend     string
	logLevel    string
	logFormat   string
	timeout     time.Duration
	configFile  string
	metricsAddr string
	// allowInsecureHTTP accepts http:// and git:// URLs to hosts other
	// than loopback; auditLog is --audit-log (see security.go).
	allowInsecureHTTP bool
	auditLog          string
	// stallTimeout and lockWait bound waiting on a stalled server and on
	// another mgit working on the same repository (0: the defaults).
	stallTimeout time.Duration
	lockWait     time.Duration
}

// Factory is what every command of one invocation of mgit shares, in the
// manner of gh's cmdutil.Factory: the IO streams and environment, the
// global flags, the configuration and credential store, the git backend
// choice and the telemetry. What is costly is built when a command first
// asks for it (the configuration in PersistentPreRunE, the backend in
// selectBackend, telemetry in observe). Nothing here outlives Main.
type Factory struct {
	stdout, stderr io.Writer
	getenv         func(string) string
	g              globals

	format headless.Format
	// logs are the main log, --audit-log and the redactor (logs.go).
	logs logs
	// code is set by a command that ran to the end; errors override it.
	code int
	// conf is the configuration file and credential store (providers.go).
	conf configState
	// limiter spaces provider API requests per host (security.go).
	limiter *provider.RateLimiter
	// disc are the discovery flags (discovery.go).
	disc discovery
	// chooseBackend picks the git backend for --git-backend; the
	// composition root supplies it, so the engine never names a concrete
	// backend.
	chooseBackend BackendChooser
}

// newFactory returns the Factory of one invocation.
func newFactory(stdout, stderr io.Writer, getenv func(string) string, choose BackendChooser) *Factory {
	return &Factory{stdout: stdout, stderr: stderr, getenv: getenv, chooseBackend: choose}
}

// selectBackend is the git backend --git-backend names, chosen by the
// composition root's chooser (ChooseBackend when none was given).
func (c *Factory) selectBackend(ctx context.Context) (git.Backend, error) {
	if c.chooseBackend == nil {
		return ChooseBackend(ctx, c.g.backend)
	}
	return c.chooseBackend(ctx, c.g.backend)
}

// engineConfig is the engine.Config every command runs with: the global
// flags' concurrency and time limits, the backend, credentials, telemetry
// and logger. Callers add only what is theirs (NoProgress, MaxWait).
func (c *Factory) engineConfig(backend git.Backend, creds engine.CredentialSource, obs *observability, log zerolog.Logger) engine.Config {
	return engine.Config{
		Backend:            backend,
		NetworkConcurrency: c.g.concurrency,
		DiskConcurrency:    c.g.concurrency,
		Timeout:            c.g.timeout,
		StatusTimeout:      c.g.timeout,
		StallTimeout:       c.g.stallTimeout,
		LockWait:           c.g.lockWait,
		Credentials:        creds,
		Observer:           obs.engineObserver(),
		Logger:             log,
		// No token reaches a command run by exec (or the dashboard's x).
		SecretEnv: secure.SecretEnv(provider.AllTokenEnv()),
	}
}

// decorate reports whether output may use colour: only on a terminal, and
// never with NO_COLOR set or TERM=dumb.
func (c *Factory) decorate() bool {
	if c.getenv(envNoColor) != "" || c.getenv("TERM") == "dumb" {
		return false
	}
	f, ok := fileOf(c.stdout)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
