package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
)

// StatusOptions are `mgit status` (and `mgit [DIR]` without a terminal).
type StatusOptions struct {
	f *Factory
	// Dir is where to search: DIR, else the configured workspace when a
	// query is given, else ".".
	Dir                     string
	Query                   string
	All, Fetch, FailOnDirty bool
}

// NewCmdStatus is `mgit status [DIR]`. runF, when not nil, runs instead of
// statusRun (tests).
func NewCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{f: f}
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
			opts.Dir = f.queryDir(args, opts.Query)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Query, "query", "", "only repositories matching org/project/repo globs")
	f.disc.addFlags(cmd.Flags())
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "list every repository, not only those needing attention")
	cmd.Flags().BoolVar(&opts.Fetch, "fetch", false, "fetch each repository first, so ahead/behind are current")
	cmd.Flags().BoolVar(&opts.FailOnDirty, "fail-on-dirty", false, "exit 1 if any repository has local changes")
	return cmd
}

// statusRun shows the state of the repositories under opts.Dir.
func statusRun(ctx context.Context, opts *StatusOptions) error {
	f := opts.f
	jobs, paths, err := f.workspacePlan(ctx, opts.Dir, engine.OpStatus)
	if err != nil {
		return err
	}
	if jobs, err = narrow(jobs, opts.Dir, opts.Query); err != nil {
		return err
	}
	plan := engine.Plan{Jobs: jobs, Options: engine.Options{FetchBeforeStatus: opts.Fetch}}
	return f.execute(ctx, plan, paths, view{statusTable: true, all: opts.All, failOnDirty: opts.FailOnDirty})
}
