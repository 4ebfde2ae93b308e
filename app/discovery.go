package app

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/mgit-dev/mgit/engine/workspace"
)

// discovery holds the flags of every command that finds repositories on
// disk (the dashboard, status, fetch, pull, checkout).
type discovery struct {
	maxDepth   int
	flagged    bool // the flags were registered: maxDepth holds the user's value
	submodules bool
}

const discoveryHelp = `

Repositories are found under DIR down to --max-depth levels (default 6;
0: DIR itself only), without entering a repository's work tree. Linked
worktrees (a .git file pointing into another repository's
.git/worktrees) are listed as worktrees, beside their repository.
Submodules belong to their superproject and are left out unless
--submodules is given; a DIR that is a submodule or a worktree is listed
as what it is. When nothing is found under DIR and DIR is inside a
repository's work tree, that repository is the answer, found as git finds
it (upward, stopping at GIT_CEILING_DIRECTORIES).`

// queryLocalHelp documents how --query matches local repositories.
const queryLocalHelp = `

A local repository matches QUERY when its origin URL's path does
(org/repo, org/project/repo; Azure DevOps' "_git" is skipped) or its path
under DIR does, with or without the leading host directory of the
<DIR>/<host>/<org>/<repo> layout.`

// addFlags registers --max-depth and --submodules on fs.
func (d *discovery) addFlags(fs *pflag.FlagSet) {
	d.flagged = true
	fs.IntVar(&d.maxDepth, "max-depth", workspace.DefaultMaxDepth, "search this many directory levels below DIR for repositories (0: DIR itself only)")
	fs.BoolVar(&d.submodules, "submodules", false, "also list the checked-out submodules of the repositories found")
}

// options turns the flags into discovery options; getenv supplies
// GIT_CEILING_DIRECTORIES.
func (d *discovery) options(getenv func(string) string) (workspace.Options, error) {
	opt := workspace.Options{
		IncludeWorktrees:  true,
		IncludeSubmodules: d.submodules,
		FindEnclosing:     true,
		Ceilings:          workspace.Ceilings(getenv("GIT_CEILING_DIRECTORIES")),
	}
	if d.flagged {
		switch n := d.maxDepth; {
		case n < 0:
			return opt, usagef("Use --max-depth 0 for DIR itself, or a positive number of levels.", "--max-depth %d: must not be negative", n)
		case n == 0:
			opt.MaxDepth = workspace.DepthRootOnly
		default:
			opt.MaxDepth = n
		}
	}
	return opt, nil
}

// discoverRepos finds the repositories under dir with dopt (the discovery
// flags' options); shown is dir as the user gave it, for the log.
// Unreadable subdirectories are logged and the repositories found are
// returned; finding nothing because of them is a usage error, and a
// cancelled ctx an interruption.
func (c *Factory) discoverRepos(ctx context.Context, dir, shown string, dopt workspace.Options) ([]workspace.Repo, error) {
	repos, err := workspace.Discover(ctx, dir, dopt)
	if ctx.Err() != nil {
		return nil, interrupted(nil)
	}
	if err != nil {
		if len(repos) == 0 {
			return nil, usagef("Check that DIR exists and is readable.", "%s", err)
		}
		// Unreadable subdirectories: report them, work on what was found.
		c.logs.log.Warn().Err(err).Str("dir", shown).Msg("some directories could not be searched")
	}
	return repos, nil
}
