package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// CloneOptions are `mgit clone`.
type CloneOptions struct {
	f *Factory
	// Args are SOURCE (a URL or a query) and DIR, as given.
	Args                []string
	From                string
	Depth               int
	UpdateMode          string
	DiscardLocalChanges bool
	DryRun              bool
	Layout              string
	queryFlags
}

// NewCmdClone is `mgit clone`. runF, when not nil, runs instead of
// cloneRun (tests).
func NewCmdClone(f *Factory, runF func(context.Context, *CloneOptions) error) *cobra.Command {
	opts := &CloneOptions{f: f}
	cmd := &cobra.Command{
		Use:     "clone SOURCE [DIR] | clone QUERY [DIR] | clone --from FILE [DIR]",
		Aliases: []string{"clone-all"},
		Short:   "Clone repositories into DIR, laid out by host and path",
		Long: `Clone SOURCE, a git URL, or every URL listed in --from FILE (one per line;
blank lines and lines starting with # are ignored) into DIR (default: the
current directory, created if missing).

When SOURCE is not a URL it is a QUERY (org, org/repo or org/project/repo
with globs; see 'mgit help list'): every repository matching it on the
configured providers (or --provider NAME) is cloned, archived ones and forks
only with --include-archived / --include-forks (disabled ones, which cannot
be cloned, are left out). DIR then defaults to the
configured workspace.

Layout: <DIR>/<host>/<path-without-.git> (--layout host, the default), or
<DIR>/<name> with --layout flat. Repositories from a query are laid out by
the provider's slugs: <DIR>/<host>/<org>/<repo>, Azure DevOps
<DIR>/<host>/<org>/<project>/<repo>, GitLab subgroups as directories
(<DIR>/<host>/<group>/<subgroup>/<repo>). Paths that would escape DIR are
refused.

Clones land atomically: git clones into a temporary sibling directory that is
renamed into place on success and removed on failure or interruption.

When the destination exists, --update-mode decides: skip (default) leaves it,
pull fast-forwards it, force replaces it with a fresh clone — but refuses a
clone holding local work unless --discard-local-changes is given. Local work
is anything a fresh clone would not bring back: changed, untracked, ignored
and excluded files (.env, build output), stashes, unpushed commits, local
branches and tags, notes, a branch deleted on the server, assume-unchanged
and skip-worktree entries, linked worktrees, hooks, local config and extra
remotes. Even then the old clone is not deleted: it is moved to
DIR/.mgit/trash/<time>-<repository> (the result says where); 'mgit clean
--trash' empties the trash.

Private HTTPS repositories of a configured provider use its token (see
'mgit login'); other hosts use MGIT_TOKEN. Never put a token in the URL.`,
		Example: `  mgit clone https://github.com/org/repo ~/src     # ~/src/github.com/org/repo
  mgit clone --layout flat git@github.com:org/repo.git .
  mgit clone --from repos.txt --depth 1 ~/src
  mgit clone 'acme/*' ~/src                        # every repository of acme
  mgit clone 'contoso/Platform/*' --provider ado --dry-run
  MGIT_TOKEN=$(cat token) mgit clone --from repos.txt --update-mode pull ~/src`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.From != "" {
				return maxArgs(1, "mgit clone --from FILE [DIR]")(cmd, args)
			}
			if len(args) == 0 {
				return usagef("Usage: mgit clone SOURCE [DIR], mgit clone QUERY [DIR], or mgit clone --from FILE [DIR]", "clone: missing SOURCE (a git URL or a query)")
			}
			return maxArgs(2, "mgit clone SOURCE [DIR]")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("layout") {
				// The default is resolved here, not in the flag, so --help
				// states it once.
				opts.Layout = f.conf.cfg.Layout
				if opts.Layout == "" {
					opts.Layout = string(workspace.LayoutHost)
				}
			}
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cloneRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.From, "from", "", "read URLs from FILE, one per line ('-' for stdin is not supported)")
	fl.IntVar(&opts.Depth, "depth", 0, "shallow clone with N commits (0: full history)")
	fl.StringVar(&opts.UpdateMode, "update-mode", string(engine.UpdateSkip), "when the destination exists: skip, pull or force")
	fl.BoolVar(&opts.DiscardLocalChanges, "discard-local-changes", false, "with --update-mode force, replace clones even if they hold local work")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show what would be cloned, change nothing")
	fl.StringVar(&opts.Layout, "layout", "", "destination layout: host (<DIR>/<host>/<path>) or flat (<DIR>/<name>) (default: the configured layout, else host)")
	opts.queryFlags.register(cmd)
	return cmd
}

// cloneRun clones the URLs of SOURCE or --from FILE, or what a query
// lists (cloneQueryRun).
func cloneRun(ctx context.Context, opts *CloneOptions) error {
	f := opts.f
	eopt, layout, err := opts.engineOptions()
	if err != nil {
		return err
	}
	if opts.From == "" && !isURL(opts.Args[0]) {
		return cloneQueryRun(ctx, opts, eopt, layout)
	}
	var urls []string
	dir := "."
	if opts.From != "" {
		if urls, err = readURLFile(opts.From); err != nil {
			return err
		}
		dir = dirArg(opts.Args)
	} else {
		urls = opts.Args[:1]
		if len(opts.Args) > 1 {
			dir = opts.Args[1]
		}
	}
	if err := f.logs.checkSourceURLs(opts.From, urls, f.g.urlOptions(true)); err != nil {
		return err
	}
	if err := cloneRoot(dir, opts.DryRun); err != nil {
		return err
	}
	jobs, paths, err := clonePlan(dir, urls, layout)
	if err != nil {
		return err
	}
	plan := engine.Plan{Jobs: jobs, Options: eopt}
	return f.execute(ctx, plan, paths, view{maxWait: engineMaxWait(opts.maxWait)})
}

// engineOptions validates the clone flags into the engine's options (the
// same for URLs and queries) and the layout.
func (opts *CloneOptions) engineOptions() (engine.Options, workspace.Layout, error) {
	mode, err := parseUpdateMode(opts.UpdateMode)
	if err != nil {
		return engine.Options{}, "", err
	}
	layout, err := parseLayout(opts.Layout)
	if err != nil {
		return engine.Options{}, "", err
	}
	if opts.Depth < 0 {
		return engine.Options{}, "", usagef("Use --depth 1 or more for a shallow clone, 0 for full history.", "--depth %d: must not be negative", opts.Depth)
	}
	if opts.DiscardLocalChanges && mode != engine.UpdateForce {
		return engine.Options{}, "", usagef("Add --update-mode force, or drop --discard-local-changes.", "--discard-local-changes only applies with --update-mode force")
	}
	return engine.Options{
		Depth:               opts.Depth,
		UpdateMode:          mode,
		DiscardLocalChanges: opts.DiscardLocalChanges,
		DryRun:              opts.DryRun,
	}, layout, nil
}

// cloneQueryRun clones every repository a query lists. Provider failures
// are reported; the repositories the others listed are still cloned.
func cloneQueryRun(ctx context.Context, opts *CloneOptions, eopt engine.Options, layout workspace.Layout) error {
	f, args := opts.f, opts.Args
	q, fo, err := opts.parse(args[0])
	if err != nil {
		return err
	}
	dir := "."
	if len(args) > 1 {
		dir = args[1]
	} else if w := f.conf.cfg.WorkspaceDir(f.getenv); w != "" {
		dir = w
	}
	if len(f.conf.cfg.Providers) == 0 {
		return usagef("Give an https://, ssh:// or user@host:path URL, or configure a provider with 'mgit login' to clone by query.",
			"clone %s: not a URL, and no provider is configured to answer it as a query", args[0])
	}
	// One telemetry for the listing and the clones: the provider requests
	// and the operations share the registry, the listener and the run ID.
	l, done, err := f.listQuery(ctx, &opts.queryFlags, q, fo, "")
	if err != nil {
		return err
	}
	defer done()
	pcode := reportProviderErrors(f.stderr, &f.logs, l.fails)
	if len(l.repos) == 0 {
		if len(l.fails) > 0 {
			f.code = pcode
			return nil
		}
		return &exitError{code: exitFailed, err: fmt.Errorf("clone %s: no repository matches (archived ones, forks and disabled ones need --include-archived / --include-forks / --include-disabled)", q)}
	}
	if err := cloneRoot(dir, opts.DryRun); err != nil {
		return err
	}
	creds := f.credentials()
	for _, r := range l.repos {
		creds.Learn(r)
	}
	jobs, paths, err := queryClonePlan(dir, l.repos, layout)
	if err != nil {
		return err
	}
	plan := engine.Plan{Jobs: jobs, Options: eopt}
	return f.execute(ctx, plan, paths, view{creds: creds, providerCode: pcode, obs: l.obs, maxWait: engineMaxWait(opts.maxWait)})
}
