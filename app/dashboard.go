package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/telemetry"
	"github.com/mgit-dev/mgit/ui"
)

// dashboardInputs is everything runDashboard hands the dashboard besides
// the engine, in one place so that providers can add their rows.
type dashboardInputs struct {
	root   string
	repos  []workspace.Repo
	remote []provider.Repo
	layout workspace.Layout
}

// wantDashboard reports whether `mgit [DIR]` opens the dashboard: only
// when both stdin and stdout are terminals and --no-tui is not set.
func (c *cli) wantDashboard() bool {
	if c.g.noTUI {
		return false
	}
	isTTY := func(f *os.File) bool {
		fi, err := f.Stat()
		return err == nil && fi.Mode()&os.ModeCharDevice != 0
	}
	out, ok := c.stdout.(*os.File)
	return ok && isTTY(out) && isTTY(os.Stdin)
}

// dashboardLog opens the log file under $XDG_STATE_HOME/mgit (default
// ~/.local/state/mgit): the dashboard owns the terminal, so logs never go
// there.
func (c *cli) dashboardLog() (*os.File, error) {
	dir := c.getenv("XDG_STATE_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := c.getenv("HOME")
		if home == "" {
			return nil, errors.New("log file: neither XDG_STATE_HOME nor HOME is set")
		}
		dir = filepath.Join(home, ".local", "state")
	}
	dir = filepath.Join(dir, "mgit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "mgit.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("log file: %w", err)
	}
	return f, nil
}

func (c *cli) runDashboard(ctx context.Context, dir string) error {
	if err := checkDir(dir); err != nil {
		return err
	}
	logf, err := c.dashboardLog()
	if err != nil {
		return usagef("Set XDG_STATE_HOME or HOME to a writable directory.", "%s", err)
	}
	defer logf.Close()
	level := c.g.logLevel
	if level == "" {
		level = c.getenv(envLogLevel)
	}
	log, err := telemetry.NewLogger(logf, level, telemetry.FormatJSON)
	if err != nil {
		return usagef("Check --log-level.", "%s", err)
	}
	repos, err := workspace.Discover(ctx, dir, workspace.Options{})
	if ctx.Err() != nil {
		return interrupted(nil)
	}
	if err != nil {
		if len(repos) == 0 {
			return usagef("Check that DIR exists and is readable.", "%s", err)
		}
		log.Warn().Err(err).Str("dir", dir).Msg("some directories could not be searched")
	}
	return c.dashboard(ctx, dashboardInputs{root: dir, repos: repos, layout: workspace.LayoutHost}, log)
}

func (c *cli) dashboard(ctx context.Context, in dashboardInputs, log zerolog.Logger) error {
	backend, err := engine.SelectBackend(ctx, c.g.backend)
	if err != nil {
		return usagef("Install git, or use --git-backend go-git (or auto).", "%s", err)
	}
	// The listener (--metrics-addr) runs in the background while the
	// dashboard is open; it logs to the log file, never the terminal.
	obs, err := c.observe(ctx, log)
	if err != nil {
		return err
	}
	defer obs.close()
	obs.ready.Set(true, "")
	eng := engine.New(engine.Config{
		Backend:            backend,
		NetworkConcurrency: c.g.concurrency,
		DiskConcurrency:    c.g.concurrency,
		Timeout:            c.g.timeout,
		StatusTimeout:      c.g.timeout,
		Credentials:        credentialsFromEnv(c.getenv),
		Observer:           obs.engineObserver(),
		Logger:             log,
	})
	defer eng.Close()
	var store *state.Store
	if cache, err := state.DefaultDir(c.getenv); err == nil {
		store = state.Open(cache, log)
	} else {
		log.Warn().Err(err).Msg("no state cache")
	}
	err = ui.Run(ctx, ui.Options{
		Engine: eng, Root: in.root, Repos: in.repos, Remote: in.remote,
		Dest: func(r provider.Repo) (string, error) {
			dest, _, err := workspace.Destination(in.root, r.CloneURL, in.layout)
			return dest, err
		},
		State:  store,
		Logger: log,
		Getenv: c.getenv,
	})
	switch {
	case errors.Is(err, ui.ErrInterrupted):
		return interrupted(nil)
	case err != nil:
		return &exitError{code: engine.ExitFailed, err: err}
	}
	return nil
}
