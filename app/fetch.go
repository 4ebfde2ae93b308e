package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
)

// FetchOptions are `mgit fetch`.
type FetchOptions struct {
	f     *Factory
	Dir   string
	Query string
	// ChangedOnly is --changed-only: list only repositories whose refs
	// changed (and failures).
	ChangedOnly bool
}

// NewCmdFetch is `mgit fetch [DIR]`. runF, when not nil, runs instead of
// fetchRun (tests).
func NewCmdFetch(f *Factory, runF func(context.Context, *FetchOptions) error) *cobra.Command {
	opts := &FetchOptions{f: f}
	cmd := &cobra.Command{
		Use:   "fetch [DIR]",
		Short: "Fetch every repository under DIR",
		Long: `Fetch the upstream of every git repository under DIR (default: the current
directory), concurrently, pruning remote-tracking branches deleted upstream.
Work trees are not touched. --query QUERY fetches only the repositories
matching it.` + queryLocalHelp + discoveryHelp + "\n\n" + credroute.Help,
		Example: `  mgit fetch ~/src
  mgit fetch --concurrency 16 -o json ~/src
  mgit fetch --query 'acme/*-api' ~/src`,
		Args: maxArgs(1, "mgit fetch [DIR] [--query QUERY]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = f.queryDir(args, opts.Query)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return fetchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Query, "query", "", "only repositories matching org/project/repo globs")
	f.disc.addFlags(cmd.Flags())
	addChangedOnlyFlag(cmd.Flags(), &opts.ChangedOnly)
	return cmd
}

// fetchRun runs OpFetch over the repositories under opts.Dir.
func fetchRun(ctx context.Context, opts *FetchOptions) error {
	return opts.f.runWorkspace(ctx, opts.Dir, opts.Query, engine.OpFetch, engine.Options{}, view{changedOnly: opts.ChangedOnly})
}
