package app

import (
	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// checkoutCommand is `mgit checkout BRANCH [DIR]`: the dashboard's branch
// action, headless, through the same engine operation.
func (c *cli) checkoutCommand() *cobra.Command {
	var (
		query          string
		create, dryRun bool
	)
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
			opt := engine.Options{Branch: args[0], CreateBranch: create, DryRun: dryRun}
			return c.runWorkspace(cmd.Context(), c.queryDir(args[1:], query), query, engine.OpCheckout, opt)
		},
	}
	cmd.Flags().BoolVarP(&create, "create", "c", false, "create BRANCH from HEAD where it exists neither locally nor on the remote")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "report what each repository would do, change nothing")
	cmd.Flags().StringVar(&query, "query", "", "only repositories matching org/project/repo globs")
	c.addDiscoveryFlags(cmd.Flags())
	return cmd
}
