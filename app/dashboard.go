package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/telemetry"
	"github.com/mgit-dev/mgit/ui"
)

// dashboardInputs is everything the dashboard is given besides the
// engine, in one place: what is on disk, where a listed repository would
// be cloned, and the provider listing that arrives after the first paint.
type dashboardInputs struct {
	// root is the workspace directory, absolute.
	root  string
	repos []workspace.Repo
	// remote are upstream repositories known before the first paint.
	remote []provider.Repo
	// updates delivers each provider's answer to the query as it comes,
	// and is closed when every provider has answered; nil without a query.
	updates <-chan ui.RemoteBatch
	// dest is where a listed repository is cloned: the layout clone QUERY
	// uses, so the dashboard and `mgit clone QUERY DIR` agree.
	dest func(provider.Repo) (string, error)
	// creds serve the engine; they learn the git hosts of the listing.
	creds *credroute.Router
	// stop cancels the listing and waits for it; always safe to call.
	stop func()
	// rediscover runs discovery again, as it ran at start (the rescan key).
	rediscover func(context.Context) ([]workspace.Repo, error)
	// store is the state cache (nil: none); cached are its entries for
	// root.
	store  *state.Store
	cached map[string]state.Entry
	// fromCache: the cache knows where the repositories are, so the first
	// frame is painted from it and discovery (rediscover) runs after that
	// frame, not beside it; repos is then empty.
	fromCache bool
}

// loadState opens the state cache and reads root's entries: at 10,000
// repositories that takes a fraction of the walk of the workspace, and
// when the entries know where their repositories are the dashboard paints
// them before it walks.
func (c *Factory) loadState(root string) (*state.Store, map[string]state.Entry) {
	cache, err := state.DefaultDir(c.getenv)
	if err != nil {
		c.logs.log.Warn().Err(err).Msg("no state cache")
		return nil, nil
	}
	store := state.Open(cache, c.logs.log)
	return store, store.Load(root)
}

// knowsPlaces reports whether the cache knows where its repositories are
// (caches of older versions do not).
func knowsPlaces(cached map[string]state.Entry) bool {
	for _, e := range cached {
		if e.Path != "" {
			return true
		}
	}
	return false
}

// DashboardOptions are `mgit [DIR]` on a terminal.
type DashboardOptions struct {
	f *Factory
	// Args are DIR, when given.
	Args []string
	// Query is --query; "" falls back to the configuration's query.
	Query string
}

// wantDashboard reports whether `mgit [DIR]` opens the dashboard: only
// when both stdin and stdout are terminals and --no-tui is not set.
func (c *Factory) wantDashboard() bool {
	if c.g.noTUI {
		return false
	}
	isTTY := func(f *os.File) bool {
		fi, err := f.Stat()
		return err == nil && fi.Mode()&os.ModeCharDevice != 0
	}
	out, ok := fileOf(c.stdout)
	return ok && isTTY(out) && isTTY(os.Stdin)
}

// logFile opens the log file under $XDG_STATE_HOME/mgit (default
// ~/.local/state/mgit): the dashboard owns the terminal, so logs never go
// there.
func (opts *DashboardOptions) logFile() (*os.File, error) {
	c := opts.f
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

// dashboardRun opens the dashboard over DIR (args), or over the
// configured workspace when a query is set and DIR is not given. query is
// --query; "" falls back to the configuration's query.
func dashboardRun(ctx context.Context, opts *DashboardOptions) error {
	c := opts.f
	logf, err := opts.logFile()
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
	// The dashboard owns the terminal: everything that logs through c.log
	// (providers, the credential store, the discovery cache) goes to the
	// file from here on.
	c.logs.log = log
	// The listener (--metrics-addr) runs in the background while the
	// dashboard is open; it logs to the log file, never the terminal.
	obs, err := c.observe(ctx, log)
	if err != nil {
		return err
	}
	defer obs.close()
	in, err := opts.inputs(ctx, obs)
	if err != nil {
		return err
	}
	defer in.stop()
	return opts.run(ctx, in, obs)
}

// inputs discovers the repositories on disk and, when a query is
// set (--query, else the configuration's query) and providers are
// configured, starts listing it in the background: the same listing as
// `mgit list` (archived repositories and forks left out), one batch per
// provider. A provider's failure arrives as a batch with Err, for the
// status line. Call in.stop when done.
func (opts *DashboardOptions) inputs(ctx context.Context, obs *observability) (dashboardInputs, error) {
	c, args, flagQuery := opts.f, opts.Args, opts.Query
	raw := flagQuery
	if raw == "" {
		raw = c.conf.cfg.Query
	}
	// The flags `mgit list` would have by default: the same checks, and
	// archived repositories and forks left out.
	qf := queryFlags{maxWait: time.Minute, maxRepos: provider.DefaultMaxRepos}
	var q provider.Query
	var fo provider.FilterOptions
	if raw != "" {
		var err error
		if q, fo, err = qf.parse(raw); err != nil {
			return dashboardInputs{}, err
		}
	}
	dir := c.queryDir(args, raw)
	if err := checkDir(dir); err != nil {
		return dashboardInputs{}, err
	}
	root, err := filepath.Abs(dir)
	if err != nil {
		return dashboardInputs{}, usagef("", "%s: %v", dir, err)
	}
	dopt, err := c.disc.options(c.getenv)
	if err != nil {
		return dashboardInputs{}, err
	}
	store, cached := c.loadState(root)
	var repos []workspace.Repo
	fromCache := knowsPlaces(cached)
	if !fromCache {
		if repos, err = c.discoverRepos(ctx, root, dir, dopt); err != nil {
			return dashboardInputs{}, err
		}
	}
	layout := workspace.LayoutHost
	if c.conf.cfg.Layout != "" {
		layout = workspace.Layout(c.conf.cfg.Layout)
	}
	in := dashboardInputs{
		root: root, repos: repos, creds: c.credentials(), stop: func() {}, store: store, cached: cached,
		fromCache: fromCache,
		dest:      func(r provider.Repo) (string, error) { return providerDest(root, r, layout) },
		rediscover: func(ctx context.Context) ([]workspace.Repo, error) {
			return workspace.Discover(ctx, root, dopt)
		},
	}
	if raw == "" {
		return in, nil
	}
	if len(c.conf.cfg.Providers) == 0 {
		if flagQuery != "" {
			_, err := c.conf.selectProviders("") // the usage error that says how to add one
			return dashboardInputs{}, err
		}
		c.logs.log.Info().Str("query", raw).Msg("configured query ignored: no provider configured")
		return in, nil
	}
	opt := providerOptions{maxWait: qf.maxWait, maxRepos: qf.maxRepos, obs: obs}
	in.updates, in.stop = opts.listInBackground(ctx, q, fo, opt, in.creds)
	return in, nil
}

// listInBackground lists q on every configured provider in the background. The
// channel has room for every answer, so the listing never waits for the
// dashboard (which may have quit); stop cancels it and waits for it.
func (opts *DashboardOptions) listInBackground(ctx context.Context, q provider.Query, fo provider.FilterOptions, opt providerOptions, creds *credroute.Router) (<-chan ui.RemoteBatch, func()) {
	c := opts.f
	ps, obs := c.conf.cfg.Providers, opt.obs
	ch := make(chan ui.RemoteBatch, len(ps)+1)
	lctx, cancel := context.WithCancel(ctx)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(ch)
		err := c.providerSet(opt).listEach(lctx, ps, q, fo, func(l listed) {
			if l.err != nil {
				// The advice first: the status line is one terminal row,
				// and the cause (often a long URL) is also in the log.
				msg := "provider " + l.name + ": " + c.redact(l.err.err.Error())
				if h := l.err.hint(); h != "" {
					msg = "provider " + l.name + ": " + h + " — " + c.redact(l.err.err.Error())
				}
				obs.log.Warn().Str("provider", l.name).Str("error", msg).Msg("provider listing failed")
				ch <- ui.RemoteBatch{Source: l.name, Err: errors.New(msg)}
				return
			}
			for _, r := range l.repos {
				creds.Learn(r)
			}
			obs.log.Info().Str("provider", l.name).Int("repos", len(l.repos)).Msg("provider listed")
			ch <- ui.RemoteBatch{Source: l.name, Repos: l.repos}
		})
		if err != nil {
			ch <- ui.RemoteBatch{Err: errors.New(c.redact(err.Error()))}
		}
	}()
	return ch, func() { cancel(); <-finished }
}

// run runs the dashboard on a new engine until the user quits.
func (opts *DashboardOptions) run(ctx context.Context, in dashboardInputs, obs *observability) error {
	c := opts.f
	log := obs.base
	backend, err := c.selectBackend(ctx)
	if err != nil {
		return usagef("Install git, or use --git-backend go-git (or auto).", "%s", err)
	}
	obs.ready.Set(true, "")
	eng := engine.New(c.engineConfig(backend, in.creds, obs, log))
	defer eng.Close()
	// With the listener on, the dashboard reads a tap of the engine's
	// events that keeps mgit_repositories{state} current; closed before
	// the engine, so the tap drains what the engine still sends.
	gone := make(chan struct{})
	defer close(gone)
	err = ui.Run(ctx, ui.Options{
		Engine: eng, Root: in.root, Repos: in.repos, Remote: in.remote,
		RemoteUpdates: in.updates,
		// The tap also audits what git refused for its credentials. The
		// dashboard's jobs come and go with the user's keys, so the audit
		// names the repository and operation (host and provider are in
		// the log file's op lines).
		Events:         obs.tapEvents(eng.Events(), gone, c.logs.gitAuthAuditor(func() zerolog.Logger { return log }, nil)),
		Dest:           in.dest,
		Rediscover:     in.rediscover,
		State:          in.store,
		Cached:         in.cached,
		PaintFromCache: in.fromCache,
		Logger:         log,
		Getenv:         c.getenv,
		KeyOverrides:   c.conf.keys(),
		// The watcher follows each repository's .git; the interval
		// refresh catches what it cannot see (a remote-tracking ref
		// another tool fetched into a packed file, a changed file).
		RefreshInterval: c.conf.refresh(),
	})
	switch {
	case errors.Is(err, ui.ErrInterrupted):
		return interrupted(nil)
	case err != nil:
		return &exitError{code: exitFailed, err: err}
	}
	return nil
}
