package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// checkNoLocalWork refuses (with an error wrapping git.ErrLocalChanges) to
// let --update-mode force replace a clone that holds work existing nowhere
// else: uncommitted changes, stash entries, commits ahead of the upstream, a
// branch with commits but no (or a gone) upstream, a detached HEAD, or another
// local branch whose tip is not the tip of any remote-tracking branch. The
// last rule is conservative: a branch merely behind its upstream is refused
// too, because telling "behind" from "diverged" needs the commit graph.
func (x *opExec) checkNoLocalWork(dest string) error {
	ctx, cancel := context.WithTimeout(x.r.ctx, x.r.e.cfg.StatusTimeout)
	defer cancel()
	st, err := x.backend().Status(ctx, dest)
	if err != nil {
		return fmt.Errorf("clone %s: cannot check %s for local work, not replacing it: %w", x.jb.Repo.ID, dest, err)
	}
	var reasons []string
	if st.Dirty() {
		reasons = append(reasons, fmt.Sprintf("uncommitted changes (%d staged, %d unstaged, %d untracked, %d conflicts)",
			st.Staged, st.Unstaged, st.Untracked, st.Conflicts))
	}
	if st.Stash > 0 {
		reasons = append(reasons, fmt.Sprintf("%d stash entries", st.Stash))
	}
	if st.Ahead > 0 {
		reasons = append(reasons, fmt.Sprintf("%d unpushed commits", st.Ahead))
	}
	if st.AheadBehindCapped {
		reasons = append(reasons, "commits that may be unpushed (too many to count)")
	}
	switch {
	case st.NoCommits:
	case st.Detached:
		reasons = append(reasons, "a detached HEAD")
	case st.UpstreamGone:
		reasons = append(reasons, fmt.Sprintf("branch %s whose upstream is gone", st.Branch))
	case st.Upstream == "":
		reasons = append(reasons, fmt.Sprintf("branch %s with commits and no upstream", st.Branch))
	}
	if others, err := unpushedBranches(dest, st.Branch); err != nil {
		reasons = append(reasons, "local branches that could not be checked ("+err.Error()+")")
	} else if len(others) > 0 {
		reasons = append(reasons, "local branches not on any remote-tracking branch: "+strings.Join(others, ", "))
	}
	if len(reasons) == 0 {
		return nil
	}
	return fmt.Errorf("clone %s: refusing to replace %s: it has %s (pass --discard-local-changes to replace it anyway): %w",
		x.jb.Repo.ID, dest, strings.Join(reasons, "; "), git.ErrLocalChanges)
}

// unpushedBranches lists the local branches, other than current, whose tip
// is not the tip of some remote-tracking branch. It reads the refs straight
// from the repository (loose refs and packed-refs) as the backends offer no
// branch listing.
func unpushedBranches(dir, current string) ([]string, error) {
	// Refs live in the common dir for linked worktrees.
	common, err := gitobj.CommonDir(dir)
	if err != nil {
		return nil, err
	}
	refs, err := gitobj.RefsUnder(common, "refs/heads/", "refs/remotes/")
	if err != nil {
		return nil, err
	}
	remoteTips := map[string]bool{}
	for name, sha := range refs {
		if strings.HasPrefix(name, "refs/remotes/") {
			remoteTips[sha] = true
		}
	}
	var out []string
	for name, sha := range refs {
		branch, ok := strings.CutPrefix(name, "refs/heads/")
		if !ok || branch == current || remoteTips[sha] {
			continue
		}
		out = append(out, branch)
	}
	sort.Strings(out)
	return out, nil
}
