package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// CheckoutOptions are `mgit checkout`.
type CheckoutOptions struct {
	f              *Factory
	Branch, Dir    string
	Query          string
	Create, DryRun bool
}

// NewCmdCheckout is `mgit checkout BRANCH [DIR]`: the dashboard's branch
// action, headless, through the same engine operation. runF, when not
// nil, runs instead of checkoutRun (tests).
func NewCmdCheckout(f *Factory, runF func(context.Context, *CheckoutOptions) error) *cobra.Command {
	opts := &CheckoutOptions{f: f}
	cmd := &cobra.Command{
		Use:   "checkout BRANCH [DIR]",
		Short: "Switch every repository under DIR to BRANCH",
		Long: `Switch every git repository under DIR (default: the current directory) to
BRANCH. A repository that has BRANCH only on its remote gets a local branch
tracking it, as git switch does. With --create, repositories that lack BRANCH
everywhere get it created from HEAD; without it they fail. Nothing is ever
discarded: where a local change sits on a path that differs between the
branches, the checkout is refused and the repository stays as it was; other
local changes are carried over. --dry-run reports what each repository
would do, running every check the checkout runs: where git would refuse
(local changes in the way, named; BRANCH checked out in another worktree;
no commits to branch from; no such branch) the dry run fails the same way.
--query QUERY switches only the repositories matching it.` + queryLocalHelp + discoveryHelp,
		Example: `  mgit checkout main ~/src
  mgit checkout --create feature/login ~/src
  mgit checkout --dry-run -o json release/2.0 ~/src`,
		Args: maxArgs(2, "mgit checkout BRANCH [DIR] [--create] [--dry-run] [--query QUERY]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("Usage: mgit checkout BRANCH [DIR]", "checkout: no branch given")
			}
			if err := git.ValidateBranch(args[0]); err != nil {
				return usagef("Use a name git accepts (see git check-ref-format --branch).", "checkout: %s", err)
			}
			opts.Branch, opts.Dir = args[0], f.queryDir(args[1:], opts.Query)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkoutRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Create, "create", "c", false, "create BRANCH from HEAD where it exists neither locally nor on the remote")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "report what each repository would do, change nothing")
	cmd.Flags().StringVar(&opts.Query, "query", "", "only repositories matching org/project/repo globs")
	f.disc.addFlags(cmd.Flags())
	return cmd
}

// checkoutRun switches the repositories under opts.Dir to opts.Branch.
func checkoutRun(ctx context.Context, opts *CheckoutOptions) error {
	opt := engine.Options{Branch: opts.Branch, CreateBranch: opts.Create, DryRun: opts.DryRun}
	return opts.f.runWorkspace(ctx, opts.Dir, opts.Query, engine.OpCheckout, opt, view{})
}
