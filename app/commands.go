package app

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/headless"
)

// buildVersion is stamped at link time:
//
//	go build -ldflags "-X github.com/mgit-dev/mgit/app.buildVersion=v1.2.3"
//
// It is a variable only because -X can set nothing else; nothing writes it
// at run time.
var buildVersion string

// version is the stamped version, else what the Go toolchain recorded
// (module version, or the VCS revision of a source build).
func version() string {
	if buildVersion != "" {
		return buildVersion
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	v := info.Main.Version
	if v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

type statusFlags struct {
	all, fetch, failOnDirty bool
	query                   string
}

func (c *cli) statusCommand() *cobra.Command {
	f := &statusFlags{}
	cmd := &cobra.Command{
		Use:   "status [DIR]",
		Short: "Show the repositories under DIR that need attention",
		Long: `Show the state of every git repository under DIR (default: the current
directory), searched up to 6 levels deep; node_modules, vendor and hidden
directories are skipped.

The text table lists the repositories that need attention — local changes,
commits to push or pull, a detached HEAD, no upstream, stashes — or all of
them with --all, sorted by path. CHANGES counts +staged ~unstaged ?untracked
!conflicts; ↑↓ is commits ahead/behind the upstream ("=" in sync, "-" no
upstream).

With --output json every repository gets a "status" line and an "op" line,
and the last line is the "summary".

--query QUERY narrows the run to the repositories matching it (see
'mgit help list' for the query language); without DIR it then searches the
configured workspace.` + queryLocalHelp + discoveryHelp,
		Example: `  mgit status ~/src
  mgit status --all --fetch ~/src
  mgit status --fail-on-dirty . || echo "uncommitted work somewhere"
  mgit status -o json ~/src | jq -r 'select(.type=="status" and .behind>0) | .path'`,
		Args: maxArgs(1, "mgit status [DIR] [--all] [--fetch] [--fail-on-dirty] [--query QUERY]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runStatus(cmd.Context(), c.queryDir(args, f.query), f)
		},
	}
	cmd.Flags().StringVar(&f.query, "query", "", "only repositories matching org/project/repo globs")
	c.addDiscoveryFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&f.all, "all", "a", false, "list every repository, not only those needing attention")
	cmd.Flags().BoolVar(&f.fetch, "fetch", false, "fetch each repository first, so ahead/behind are current")
	cmd.Flags().BoolVar(&f.failOnDirty, "fail-on-dirty", false, "exit 1 if any repository has local changes")
	return cmd
}

func (c *cli) fetchCommand() *cobra.Command {
	var query string
	cmd := &cobra.Command{
		Use:   "fetch [DIR]",
		Short: "Fetch every repository under DIR",
		Long: `Fetch the upstream of every git repository under DIR (default: the current
directory), concurrently, pruning remote-tracking branches deleted upstream.
Work trees are not touched. --query QUERY fetches only the repositories
matching it.` + queryLocalHelp + discoveryHelp + sharedHostHelp,
		Example: `  mgit fetch ~/src
  mgit fetch --concurrency 16 -o json ~/src
  mgit fetch --query 'acme/*-api' ~/src`,
		Args: maxArgs(1, "mgit fetch [DIR] [--query QUERY]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runWorkspace(cmd.Context(), c.queryDir(args, query), query, engine.OpFetch, engine.Options{})
		},
	}
	cmd.Flags().StringVar(&query, "query", "", "only repositories matching org/project/repo globs")
	c.addDiscoveryFlags(cmd.Flags())
	c.addChangedOnlyFlag(cmd.Flags())
	return cmd
}

func (c *cli) pullCommand() *cobra.Command {
	var rebase bool
	var query string
	cmd := &cobra.Command{
		Use:     "pull [DIR]",
		Aliases: []string{"pull-all"},
		Short:   "Fast-forward every repository under DIR",
		Long: `Pull the upstream of every git repository under DIR (default: the current
directory). A pull is fast-forward only: a branch that has diverged is
refused and left untouched. --rebase replays local commits onto the
upstream instead (git CLI backend only). Nothing is ever reset or discarded.
--query QUERY pulls only the repositories matching it.` + queryLocalHelp + discoveryHelp + sharedHostHelp,
		Example: `  mgit pull ~/src
  mgit pull --rebase ~/src`,
		Args: maxArgs(1, "mgit pull [DIR] [--rebase] [--query QUERY]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.runWorkspace(cmd.Context(), c.queryDir(args, query), query, engine.OpPull, engine.Options{Rebase: rebase})
		},
	}
	cmd.Flags().StringVar(&query, "query", "", "only repositories matching org/project/repo globs")
	c.addDiscoveryFlags(cmd.Flags())
	cmd.Flags().BoolVar(&rebase, "rebase", false, "rebase local commits onto the upstream instead of refusing a non-fast-forward pull")
	c.addChangedOnlyFlag(cmd.Flags())
	return cmd
}

type cloneFlags struct {
	from                string
	depth               int
	updateMode          string
	discardLocalChanges bool
	dryRun              bool
	layout              string
	queryFlags
}

func (c *cli) cloneCommand() *cobra.Command {
	f := &cloneFlags{}
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
			if f.from != "" {
				return maxArgs(1, "mgit clone --from FILE [DIR]")(cmd, args)
			}
			if len(args) == 0 {
				return usagef("Usage: mgit clone SOURCE [DIR], mgit clone QUERY [DIR], or mgit clone --from FILE [DIR]", "clone: missing SOURCE (a git URL or a query)")
			}
			return maxArgs(2, "mgit clone SOURCE [DIR]")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("layout") && c.conf.cfg.Layout != "" {
				f.layout = c.conf.cfg.Layout
			}
			return c.runClone(cmd.Context(), args, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "read URLs from FILE, one per line ('-' for stdin is not supported)")
	fl.IntVar(&f.depth, "depth", 0, "shallow clone with N commits (0: full history)")
	fl.StringVar(&f.updateMode, "update-mode", string(engine.UpdateSkip), "when the destination exists: skip, pull or force")
	fl.BoolVar(&f.discardLocalChanges, "discard-local-changes", false, "with --update-mode force, replace clones even if they hold local work")
	fl.BoolVar(&f.dryRun, "dry-run", false, "show what would be cloned, change nothing")
	fl.StringVar(&f.layout, "layout", string(workspace.LayoutHost), "destination layout: host (<DIR>/<host>/<path>) or flat (<DIR>/<name>) (default: the configured layout, else host)")
	f.queryFlags.register(cmd)
	return cmd
}

func (c *cli) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of mgit",
		// Works with a broken configuration file.
		Annotations: map[string]string{annotationConfig: "optional"},
		Args:        maxArgs(0, "mgit version"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := version()
			var err error
			if c.format == headless.FormatJSON {
				err = json.NewEncoder(c.stdout).Encode(map[string]string{
					"type": "version", "version": v, "commit": commit(), "go": runtime.Version(),
					"os": runtime.GOOS, "arch": runtime.GOARCH,
				})
			} else {
				rev := ""
				if cm := commit(); cm != "" {
					rev = "commit " + cm + ", "
				}
				_, err = fmt.Fprintf(c.stdout, "mgit %s (%s%s, %s/%s)\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			}
			if err != nil {
				return &exitError{code: engine.ExitFailed, err: fmt.Errorf("output: %w", err)}
			}
			return nil
		},
	}
}

// queryLocalHelp documents how --query matches local repositories.
const queryLocalHelp = `

A local repository matches QUERY when its origin URL's path does
(org/repo, org/project/repo; Azure DevOps' "_git" is skipped) or its path
under DIR does, with or without the leading host directory of the
<DIR>/<host>/<org>/<repo> layout.`

func dirArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}
