package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
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
	shard    shard
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
ones already there. Cycles never overlap: the next starts --interval after
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
	f.StringVar(&o.dir, "dir", ".", "directory the repositories are kept in (default: the configuration's workspace, else .)")
	f.DurationVar(&o.interval, "interval", 15*time.Minute, "time from the start of one cycle to the start of the next (10s to 24h)")
	f.BoolVar(&o.once, "once", false, "run one cycle and exit with its exit code")
	f.StringVar(&shardFlag, "shard", "", "I/N: keep only shard I (0-based) of N, by a stable hash of the repository name")
	f.BoolVar(&o.mirror, "mirror", false, "keep bare mirrors (every ref, no work tree) for backups")
	f.DurationVar(&o.grace, "grace", 30*time.Second, "on SIGTERM, how long the cycle in progress may run before it is cancelled (0 to 1h)")
	return cmd
}

// syncer runs the cycles of one `mgit sync`.
type syncer struct {
	o      syncOptions
	root   string
	eng    *engine.Engine
	lister repoLister
	obs    *observability
	procID string
	states repoStates
	// streaks are the repositories' failures in a row.
	streaks failStreaks
	// vet refuses a listed repository whose names, clone URL or branch
	// break the input rules (cli.vetListed: audited, logged to log).
	vet func(log zerolog.Logger, r provider.Repo) bool
	// seeAuth audits the git authentication failures of a cycle's plan
	// (cli.gitAuthAuditor).
	seeAuth func(log func() zerolog.Logger, jobs []engine.Job) func(engine.Event)
}

// runSync runs cycles until ctx is cancelled (or once) and returns the exit
// code. A cancelled ctx gives the cycle in progress o.grace to finish.
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
	s := &syncer{o: o, root: root, lister: lister, obs: obs, procID: obs.runID, states: repoStates{}, streaks: failStreaks{},
		vet:     func(log zerolog.Logger, r provider.Repo) bool { return c.vetListed(log, r.Provider, r) },
		seeAuth: c.gitAuthAuditor}
	cfg := c.engineConfig(backend, creds, obs, c.log) // the engine adds the run_id itself
	cfg.NoProgress = true                             // nothing headless shows transfer progress
	s.eng = engine.New(cfg)
	defer s.eng.Close()

	// Operations run under runCtx, which outlives ctx by the grace period:
	// SIGTERM first lets the cycle finish, then cancels it.
	runCtx, cancelRun := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRun()
	var graceTimer *time.Timer
	var timerMu sync.Mutex
	stop := context.AfterFunc(ctx, func() {
		log := obs.currentLog()
		log.Info().Dur("grace", o.grace).Msg("stopping: the cycle in progress may finish within the grace period")
		timerMu.Lock()
		graceTimer = time.AfterFunc(o.grace, cancelRun)
		timerMu.Unlock()
	})
	defer func() {
		stop()
		timerMu.Lock()
		if graceTimer != nil {
			graceTimer.Stop()
		}
		timerMu.Unlock()
	}()

	s.startLiveness(c.g.timeout)
	obs.log.Info().Str("query", o.query).Str("dir", root).Uint64("shard", o.shard.i).Uint64("shards", max(o.shard.n, 1)).
		Bool("mirror", o.mirror).Dur("interval", o.interval).Str("backend", backend.Name()).Msg("sync started")
	for n := 1; ; n++ {
		if ctx.Err() != nil {
			return engine.ExitOK
		}
		start := time.Now()
		code := s.cycle(runCtx, n)
		if o.onCycle != nil {
			o.onCycle(n, code)
		}
		if o.once {
			return code
		}
		if code == engine.ExitInterrupted {
			return code
		}
		wait := time.NewTimer(time.Until(start.Add(o.interval)))
		select {
		case <-ctx.Done():
			wait.Stop()
			log := obs.currentLog()
			log.Info().Msg("sync stopped")
			return engine.ExitOK
		case <-wait.C:
		}
	}
}

// newRunID is a short random hex ID, like the engine's run IDs; a
// cycle's run_id is "<it>-<cycle number>", so one prefix finds every line
// of one sync process.
func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
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

// cycleCounts are the numbers a cycle summary logs.
type cycleCounts struct {
	discovered, kept, cloned, updated, failed, skipped int
	// refused are listed repositories dropped by the input rules.
	refused int
}

// cycle runs one discover → clone/update pass and returns its exit code.
func (s *syncer) cycle(ctx context.Context, n int) int {
	id := s.procID + "-" + strconv.Itoa(n)
	log := s.obs.base.With().Str("run_id", id).Int("cycle", n).Logger()
	s.obs.setLog(log)
	ctx, endRun := s.obs.tracing.StartRun(ctx, "mgit sync cycle")
	telemetry.SetRunID(ctx, id)
	start := time.Now()
	var cc cycleCounts

	s.beat()
	repos, lerr := s.lister.List(ctx)
	s.beat()
	cc.discovered = len(repos)
	if lerr != nil && len(repos) == 0 {
		return s.finishCycle(ctx, log, endRun, start, cc, lerr, engine.Summary{})
	}
	if lerr != nil {
		log.Warn().Err(lerr).Msg("some providers could not be listed; syncing the others")
	}

	plan := engine.Plan{RunID: id, Options: engine.Options{UpdateMode: engine.UpdatePull, Mirror: s.o.mirror}}
	listed := map[string]bool{}
	for _, r := range repos {
		if !s.o.shard.keeps(r) {
			continue
		}
		// Vetted before anything uses it: a refused repository's clone
		// URL must not even teach its host a token.
		if !s.vet(log, r) {
			cc.refused++
			continue
		}
		if s.o.learn != nil {
			s.o.learn(r)
		}
		job, err := s.job(r)
		if err != nil {
			log.Warn().Err(err).Str("provider", r.Provider).Str("repo", r.FullName).Msg("repository skipped")
			cc.failed++
			continue
		}
		if listed[job.Repo.ID] {
			continue // the same repository through two providers: once
		}
		listed[job.Repo.ID] = true
		plan.Jobs = append(plan.Jobs, job)
	}
	cc.kept = len(plan.Jobs)
	// Repositories no longer listed leave the state gauges.
	for id := range s.states {
		if !listed[id] {
			delete(s.states, id)
		}
	}
	s.streaks.keepOnly(listed)

	sum := engine.Summary{}
	if len(plan.Jobs) > 0 {
		sum = s.submit(ctx, plan, &cc)
	}
	s.obs.metrics.SetRepositories(s.states.counts())
	s.obs.metrics.SetFailingStreak(s.streaks.stuck())
	return s.finishCycle(ctx, log, endRun, start, cc, lerr, sum)
}

// job makes the clone (missing) or update (present) job of one repository.
func (s *syncer) job(r provider.Repo) (engine.Job, error) {
	if r.CloneURL == "" {
		return engine.Job{}, errors.New("no HTTPS clone URL")
	}
	rm, err := workspace.ParseRemote(r.CloneURL)
	if err != nil {
		return engine.Job{}, err
	}
	// The destination rules of clone QUERY: slugs checked segment by
	// segment, and no symlink under --dir may lead outside it.
	if s.o.mirror {
		r.Name += ".git" // a bare mirror's directory, as sync has always named it
	}
	dest, err := providerDest(s.root, r, workspace.LayoutHost)
	if err != nil {
		return engine.Job{}, err
	}
	rel, err := filepath.Rel(s.root, dest)
	if err != nil {
		return engine.Job{}, fmt.Errorf("destination %s: %w", dest, err)
	}
	id := filepath.ToSlash(rel)
	repo := engine.Repo{ID: id, Path: dest, URL: r.CloneURL, Host: rm.Host, Provider: r.Provider}
	op := engine.OpClone
	if _, err := os.Lstat(dest); err == nil {
		op = engine.OpPull
		if s.o.mirror {
			op = engine.OpFetch
		}
	}
	return engine.Job{Repo: repo, Op: op}, nil
}

// submit runs plan and reads its events until RunFinished, recording the
// repositories' states.
func (s *syncer) submit(ctx context.Context, plan engine.Plan, cc *cycleCounts) engine.Summary {
	runID := s.eng.Submit(ctx, plan)
	seeAuth := s.seeAuth(s.obs.currentLog, plan.Jobs)
	for ev := range s.eng.Events() {
		if ev.EventMeta().RunID != runID {
			continue
		}
		s.beat()
		switch e := ev.(type) {
		case engine.OpFinished:
			seeAuth(e)
			s.states.record(e, s.o.mirror)
			s.streaks.record(e)
			switch {
			case e.Result.Outcome == engine.OutcomeFailed:
				cc.failed++
			case e.Result.Outcome == engine.OutcomeSkipped:
				cc.skipped++
			case e.Op == engine.OpClone:
				cc.cloned++
			default:
				cc.updated++
			}
		case engine.RunFinished:
			return e.Summary
		}
	}
	return engine.Summary{Interrupted: true}
}

// finishCycle decides the cycle's result, records it and logs the summary.
func (s *syncer) finishCycle(ctx context.Context, log zerolog.Logger, endRun telemetry.End, start time.Time,
	cc cycleCounts, lerr error, sum engine.Summary) int {
	d := time.Since(start)
	var result string
	code := summaryExitCode(sum)
	switch {
	case sum.Interrupted || (lerr != nil && ctx.Err() != nil):
		result, code = telemetry.SyncInterrupted, engine.ExitInterrupted
	case lerr != nil && cc.discovered == 0:
		result, code = telemetry.SyncFailed, engine.ExitFailed
		if errors.Is(lerr, provider.ErrUnauthorized) {
			code = engine.ExitAuth
		}
	case cc.failed > 0 && cc.cloned+cc.updated == 0:
		result = telemetry.SyncFailed
		code = max(code, engine.ExitFailed)
	case cc.failed > 0 || lerr != nil:
		result = telemetry.SyncPartial
		code = max(code, engine.ExitFailed)
	default:
		result = telemetry.SyncOK
	}
	s.obs.metrics.SyncFinished(result, time.Now(), d)
	if result != telemetry.SyncInterrupted {
		s.obs.metrics.FirstCycleDone()
	}
	switch result {
	case telemetry.SyncOK, telemetry.SyncPartial:
		s.obs.ready.Set(true, "")
	case telemetry.SyncFailed:
		s.obs.ready.Set(false, "last sync cycle failed")
	}
	var runErr error
	if result == telemetry.SyncFailed {
		runErr = errors.New("sync cycle failed")
		if lerr != nil {
			runErr = lerr
		}
	}
	endRun(runErr)

	ev := log.Info()
	if result != telemetry.SyncOK {
		ev = log.Warn().Err(lerr)
	}
	ev.Str("result", result).Int("discovered", cc.discovered).Int("in_shard", cc.kept).
		Int("cloned", cc.cloned).Int("updated", cc.updated).Int("failed", cc.failed).Int("skipped", cc.skipped).Int("refused", cc.refused).
		Int64("duration_ms", d.Milliseconds()).Int("exit_code", code).Msg("sync cycle finished")
	return code
}
