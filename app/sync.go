package app

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/telemetry"
)

// syncOptions are the flags of `mgit sync`.
type syncOptions struct {
	query    string
	dir      string
	interval time.Duration
	grace    time.Duration
	once     bool
	shard    syncloop.Shard
	mirror   bool
	// onCycle, when set, is told each cycle's number and exit code after
	// the cycle is recorded (a test seam: tests wait on it, not on time).
	onCycle func(n, code int)
	// creds are the engine's credentials (nil: MGIT_TOKEN only); learn,
	// when set, is told every listed repository so that its git host gets
	// its provider's token.
	creds engine.CredentialSource
	learn func(provider.Repo)
}

const syncLong = `sync keeps a directory in step with a provider query: the container mode.

Each cycle lists the repositories QUERY (org, org/repo or org/project/repo,
shell globs allowed) selects across the configured providers (or the one
--provider-kind / $MGIT_PROVIDER names, with --provider-url /
$MGIT_PROVIDER_URL when self-hosted: no config file needed), clones the
missing ones into DIR/<host>/<org>/<repo>, and fetches and fast-forwards the
ones already there (a destination holding anything else, or a clone of
another remote, is left untouched and counts as a failure). Cycles never overlap: the next starts --interval after
the previous one started, or at once if it took longer.

--shard I/N keeps only the repositories whose stable hash falls in shard I of
N, so N replicas (a Kubernetes Indexed Job or StatefulSet, I = the pod's
index) share an organisation without overlap. The hash is FNV-1a (64 bit) of
the lower-cased "<provider name>/<full name>", modulo N: it depends on
nothing but the name, so every replica agrees without talking to the others.

--mirror keeps bare mirrors (git clone --mirror, then fetch with prune) in
DIR/<host>/<org>/<repo>.git, for backups: every ref, no work tree.

SIGTERM or Ctrl-C lets the cycle in progress finish for up to --grace, then
cancels it; a cancelled clone leaves nothing behind (clones land atomically).
Exit code: with --once the cycle's (0 ok, 1 failures, 3 authentication,
130 cancelled); otherwise 0 after a clean stop, 130 when a cycle was cancelled.

With --metrics-addr the listener serves /metrics, /healthz and /readyz:
/readyz answers 200 once the providers and their tokens are resolved (the
first cycle need not be done: see mgit_sync_first_cycle_done) and 503 while
the last cycle failed entirely (discovery failed, or every operation
failed); /healthz answers 503 when the loop made no progress for 3
intervals plus 3 operation time limits (--timeout).`

func (c *cli) syncCommand() *cobra.Command {
	var o syncOptions
	var qf queryFlags
	var pf providerFlags
	var shardFlag string
	cmd := &cobra.Command{
		Use:   "sync QUERY",
		Short: "Clone and update every repository a query selects, again every --interval",
		Long:  syncLong,
		Example: `  mgit sync my-org --dir /data --interval 15m --metrics-addr :9090
  mgit sync 'my-org/*-service' --once
  mgit sync my-org --shard 2/4 --mirror --dir /backup`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("Usage: mgit sync QUERY [--dir DIR]", "sync: want one QUERY, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.query = args[0]
			q, fo, err := qf.parse(o.query)
			if err != nil {
				return err
			}
			if err := c.useEnvProvider(cmd, pf, qf.provider); err != nil {
				return err
			}
			if !cmd.Flags().Changed("dir") {
				// The default is resolved here, not in the flag, so --help
				// states it once.
				o.dir = "."
				if ws := c.conf.cfg.WorkspaceDir(c.getenv); ws != "" {
					o.dir = ws
				}
			}
			sh, err := parseShard(shardFlag)
			if err != nil {
				return err
			}
			o.shard = sh
			if !o.once {
				if err := checkDuration("--interval", o.interval, minInterval, maxInterval,
					"Use an --interval such as 15m, or --once (from a scheduler, for longer periods)."); err != nil {
					return err
				}
			}
			if err := checkDuration("--grace", o.grace, 0, maxGrace, "Use a duration such as 30s (0: cancel at once)."); err != nil {
				return err
			}
			obs, err := c.observe(cmd.Context(), c.log)
			if err != nil {
				return err
			}
			defer obs.close()
			lister, err := c.syncLister(&qf, q, fo, obs)
			if err != nil {
				return err
			}
			if err := cloneRoot(o.dir, false); err != nil {
				return err
			}
			creds := c.credentials()
			o.creds = creds
			o.learn = func(r provider.Repo) { creds.learn(c.conf.cfg, r) }
			code := c.runSync(cmd.Context(), o, lister, obs)
			c.code = code
			if code != engine.ExitOK {
				return &exitError{code: code}
			}
			return nil
		},
	}
	qf.register(cmd)
	pf.register(cmd)
	f := cmd.Flags()
	f.StringVar(&o.dir, "dir", "", "directory the repositories are kept in (default: the configuration's workspace, else .)")
	f.DurationVar(&o.interval, "interval", 15*time.Minute, "time from the start of one cycle to the start of the next (10s to 24h)")
	f.BoolVar(&o.once, "once", false, "run one cycle and exit with its exit code")
	f.StringVar(&shardFlag, "shard", "", "I/N: keep only shard I (0-based) of N, by a stable hash of the repository name")
	f.BoolVar(&o.mirror, "mirror", false, "keep bare mirrors (every ref, no work tree) for backups")
	f.DurationVar(&o.grace, "grace", 30*time.Second, "on SIGTERM, how long the cycle in progress may run before it is cancelled (0 to 1h)")
	return cmd
}

// runSync runs cycles until ctx is cancelled (or once) and returns the exit
// code (see syncloop.Loop.Run): it wires the lister, the engine and
// telemetry to the loop.
func (c *cli) runSync(ctx context.Context, o syncOptions, lister repoLister, obs *observability) int {
	root, err := filepath.Abs(o.dir)
	if err != nil {
		c.log.Error().Err(err).Msg("sync: bad --dir")
		return engine.ExitUsage
	}
	backend, err := c.selectBackend(ctx)
	if err != nil {
		c.log.Error().Err(err).Msg("sync: no git backend")
		return engine.ExitUsage
	}
	creds := o.creds
	if creds == nil {
		creds = credentialsFromEnv(c.getenv)
	}
	cfg := c.engineConfig(backend, creds, obs, c.log) // the engine adds the run_id itself
	cfg.NoProgress = true                             // nothing headless shows transfer progress
	eng := engine.New(cfg)
	defer eng.Close()

	loop := syncloop.New(syncloop.Config{
		Root: root, Interval: o.interval, Grace: o.grace, Once: o.once, Shard: o.shard, Mirror: o.mirror,
		OpTimeout: c.g.timeout, RunID: obs.runID, FailingStreak: telemetry.FailingStreakCycles,
		Lister: lister, Engine: eng, Health: obs.ready, Metrics: syncMetrics{obs.metrics},
		Log: obs.base,
		Describe: func(ev *zerolog.Event) *zerolog.Event {
			return ev.Str("query", o.query).Str("backend", backend.Name())
		},
		Dest:       func(r provider.Repo) (string, error) { return providerDest(root, r, workspace.LayoutHost) },
		Vet:        func(log zerolog.Logger, r provider.Repo) bool { return c.vetListed(log, r.Provider, r) },
		Learn:      o.learn,
		Watch:      c.gitAuthAuditor,
		StartCycle: obs.startCycle,
		StateOf:    syncState(o.mirror),
		OnCycle:    o.onCycle,
		ExitCode:   summaryExitCode,
	})
	return loop.Run(ctx)
}

// syncLister builds the lister over the configured providers (all, or
// --provider's), each as newProvider builds it with the sync's request
// hook (metrics, logs with the cycle's run_id) and tracing transport. A
// provider whose token is missing is left out with a warning; when that
// leaves none, sync fails at once (exit 3).
func (c *cli) syncLister(qf *queryFlags, q provider.Query, fo provider.FilterOptions, obs *observability) (repoLister, error) {
	ps, err := c.selectProviders(qf.provider)
	if err != nil {
		return nil, err
	}
	cache := c.listingCache()
	opt := providerOptions{maxWait: qf.maxWait, maxRepos: qf.maxRepos, obs: obs}
	l := providerLister{query: q, filter: fo, tracing: obs.tracing}
	var fails []*providerError
	for _, p := range ps {
		pr, err := c.newProvider(p, opt, cache)
		if err != nil {
			var pe *providerError
			if !errors.As(err, &pe) {
				return nil, err
			}
			fails = append(fails, pe)
			continue
		}
		l.providers = append(l.providers, pr)
	}
	if len(l.providers) == 0 {
		return nil, &exitError{code: c.reportProviderErrors(fails)} // logs and prints each
	}
	for _, pe := range fails {
		obs.log.Warn().Str("provider", pe.name).Str("error", c.redact(pe.Error())).Str("hint", pe.hint()).Msg("provider left out")
	}
	return l, nil
}
