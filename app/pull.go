package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
)

// PullOptions are `mgit pull`.
type PullOptions struct {
	f     *Factory
	Dir   string
	Query string
	// ChangedOnly is --changed-only: list only repositories whose refs
	// changed (and failures).
	ChangedOnly bool
	// Rebase is --rebase: replay local commits instead of fast-forward only.
	Rebase bool
}

// NewCmdPull is `mgit pull [DIR]`. runF, when not nil, runs instead of
// pullRun (tests).
func NewCmdPull(f *Factory, runF func(context.Context, *PullOptions) error) *cobra.Command {
	opts := &PullOptions{f: f}
	cmd := &cobra.Command{
		Use:     "pull [DIR]",
		Aliases: []string{"pull-all"},
		Short:   "Fast-forward every repository under DIR",
		Long: `Pull the upstream of every git repository under DIR (default: the current
directory). A pull is fast-forward only: a branch that has diverged is
refused and left untouched. --rebase replays local commits onto the
upstream instead (git CLI backend only). Nothing is ever reset or discarded.
--query QUERY pulls only the repositories matching it.` + queryLocalHelp + discoveryHelp + "\n\n" + credroute.Help,
		Example: `  mgit pull ~/src
  mgit pull --rebase ~/src`,
		Args: maxArgs(1, "mgit pull [DIR] [--rebase] [--query QUERY]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = f.queryDir(args, opts.Query)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return pullRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Query, "query", "", "only repositories matching org/project/repo globs")
	f.disc.addFlags(cmd.Flags())
	cmd.Flags().BoolVar(&opts.Rebase, "rebase", false, "rebase local commits onto the upstream instead of refusing a non-fast-forward pull")
	addChangedOnlyFlag(cmd.Flags(), &opts.ChangedOnly)
	return cmd
}

// pullRun runs OpPull over the repositories under opts.Dir.
func pullRun(ctx context.Context, opts *PullOptions) error {
	return opts.f.runWorkspace(ctx, opts.Dir, opts.Query, engine.OpPull, engine.Options{Rebase: opts.Rebase}, view{changedOnly: opts.ChangedOnly})
}
