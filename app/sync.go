package app

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/provider"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/telemetry"
)

// SyncOptions are `mgit sync`.
type SyncOptions struct {
	f *Factory
	// qf, pf and shardFlag are the query, provider and --shard flags as
	// given; syncRun parses them.
	qf        queryFlags
	pf        providerFlags
	shardFlag string

	query    string
	dir      string
	interval time.Duration
	grace    time.Duration
	once     bool
	shard    syncloop.Shard
	mirror   bool
	// onCycle, when set, is told each cycle's number and facts after the
	// cycle is recorded (a test seam: tests wait on it, not on time).
	onCycle func(n int, c syncloop.CycleOutcome)
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

// NewCmdSync is `mgit sync QUERY`. runF, when not nil, runs instead of
// syncRun (tests).
func NewCmdSync(f *Factory, runF func(context.Context, *cobra.Command, *SyncOptions) error) *cobra.Command {
	o := &SyncOptions{f: f}
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
			if runF != nil {
				return runF(cmd.Context(), cmd, o)
			}
			return syncRun(cmd.Context(), cmd, o)
		},
	}
	o.qf.register(cmd)
	o.pf.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&o.dir, "dir", "", "directory the repositories are kept in (default: the configuration's workspace, else .)")
	fl.DurationVar(&o.interval, "interval", 15*time.Minute, "time from the start of one cycle to the start of the next (10s to 24h)")
	fl.BoolVar(&o.once, "once", false, "run one cycle and exit with its exit code")
	fl.StringVar(&o.shardFlag, "shard", "", "I/N: keep only shard I (0-based) of N, by a stable hash of the repository name")
	fl.BoolVar(&o.mirror, "mirror", false, "keep bare mirrors (every ref, no work tree) for backups")
	fl.DurationVar(&o.grace, "grace", 30*time.Second, "on SIGTERM, how long the cycle in progress may run before it is cancelled (0 to 1h)")
	return cmd
}

// syncRun checks the flags, resolves the providers and runs the loop;
// cmd tells which flags were given (--dir, and --provider-kind's
// environment fallbacks).
func syncRun(ctx context.Context, cmd *cobra.Command, o *SyncOptions) error {
	c := o.f
	q, fo, err := o.qf.parse(o.query)
	if err != nil {
		return err
	}
	if err := c.useEnvProvider(cmd, o.pf, o.qf.provider); err != nil {
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
	if err := checkSyncFlags(o); err != nil {
		return err
	}
	obs, err := c.observe(ctx, c.logs.log)
	if err != nil {
		return err
	}
	defer obs.close()
	lister, err := syncLister(c, &o.qf, q, fo, obs)
	if err != nil {
		return err
	}
	if err := cloneRoot(o.dir, false); err != nil {
		return err
	}
	creds := c.credentials()
	o.creds = creds
	o.learn = creds.Learn
	code := syncLoop(ctx, c, *o, lister, obs)
	c.code = code
	if code != exitOK {
		return &exitError{code: code}
	}
	return nil
}

// checkSyncFlags parses --shard and bounds --interval and --grace.
func checkSyncFlags(o *SyncOptions) error {
	sh, err := parseShard(o.shardFlag)
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
	return checkDuration("--grace", o.grace, 0, maxGrace, "Use a duration such as 30s (0: cancel at once).")
}

// syncLoop runs cycles until ctx is cancelled (or once) and returns the exit
// code (see syncloop.Loop.Run): it wires the lister, the engine and
// telemetry to the loop.
func syncLoop(ctx context.Context, c *Factory, o SyncOptions, lister repoLister, obs *observability) int {
	root, err := filepath.Abs(o.dir)
	if err != nil {
		c.logs.log.Error().Err(err).Msg("sync: bad --dir")
		return exitUsage
	}
	backend, err := c.selectBackend(ctx)
	if err != nil {
		c.logs.log.Error().Err(err).Msg("sync: no git backend")
		return exitUsage
	}
	creds := o.creds
	if creds == nil {
		creds = credroute.FromEnv(c.getenv)
	}
	cfg := c.engineConfig(backend, creds, obs, c.logs.log) // the engine adds the run_id itself
	cfg.NoProgress = true                                  // nothing headless shows transfer progress
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
		Dest: func(r provider.Repo) (string, error) { return providerDest(root, r, workspace.LayoutHost) },
		Vet: func(log zerolog.Logger, r provider.Repo) bool {
			return vetListed(&c.logs, c.redact, c.g.urlOptions(false), log, r.Provider, r)
		},
		Learn:      o.learn,
		Watch:      c.logs.gitAuthAuditor,
		StartCycle: obs.startCycle,
		StateOf:    syncState(o.mirror),
		OnCycle:    o.onCycle,
		ExitCode:   syncCycleExitCode,
	})
	return syncExitCode(loop.Run(ctx))
}

// syncLister builds the lister over the configured providers (all, or
// --provider's), each as newProvider builds it with the sync's request
// hook (metrics, logs with the cycle's run_id) and tracing transport. A
// provider whose token is missing is left out with a warning; when that
// leaves none, sync fails at once (exit 3).
func syncLister(c *Factory, qf *queryFlags, q provider.Query, fo provider.FilterOptions, obs *observability) (repoLister, error) {
	ps, err := c.conf.selectProviders(qf.provider)
	if err != nil {
		return nil, err
	}
	set := c.providerSet(providerOptions{maxWait: qf.maxWait, maxRepos: qf.maxRepos, obs: obs})
	cache := set.listingCache()
	l := providerLister{query: q, filter: fo, tracing: obs.tracing}
	var fails []*providerError
	for _, p := range ps {
		pr, err := set.newProvider(p, cache)
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
		return nil, &exitError{code: reportProviderErrors(c.stderr, &c.logs, fails)} // logs and prints each
	}
	for _, pe := range fails {
		obs.log.Warn().Str("provider", pe.name).Str("error", c.redact(pe.Error())).Str("hint", pe.hint()).Msg("provider left out")
	}
	return l, nil
}
