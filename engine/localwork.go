package engine

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/workspace"
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
	gitdir, err := workspace.GitDir(dir)
	if err != nil {
		return nil, err
	}
	// Refs live in the common dir for linked worktrees.
	common := gitdir
	if b, err := os.ReadFile(filepath.Join(gitdir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitdir, c)
		}
		common = c
	}
	refs, err := readRefs(common)
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

// readRefs returns refs/heads and refs/remotes with their target ids; loose
// refs override packed ones, as in git. Symbolic refs (origin/HEAD) are
// skipped.
func readRefs(gitdir string) (map[string]string, error) {
	refs := map[string]string{}
	if f, err := os.Open(filepath.Join(gitdir, "packed-refs")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := sc.Text()
			if line == "" || line[0] == '#' || line[0] == '^' {
				continue
			}
			if sha, name, ok := strings.Cut(line, " "); ok {
				refs[name] = sha
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	for _, top := range []string{"refs/heads", "refs/remotes"} {
		root := filepath.Join(gitdir, filepath.FromSlash(top))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root && os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := strings.TrimSpace(string(b))
			if strings.HasPrefix(s, "ref:") {
				return nil
			}
			rel, _ := filepath.Rel(gitdir, p)
			refs[filepath.ToSlash(rel)] = s
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return refs, nil
}
