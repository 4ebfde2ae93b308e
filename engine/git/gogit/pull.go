package gogit

import (
	"context"
	"errors"
	"fmt"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mgit-dev/mgit/engine/git"
)

// Pull fetches the upstream of the current branch and fast-forwards to it.
//
// go-git's own Worktree.Pull is not used: it resets the index and work tree
// with MergeReset, which discards staged changes and overwrites untracked
// files that the upstream adds. Instead Pull decides everything before it
// changes anything:
//
//   - the upstream must be a descendant of HEAD (else ErrNotFastForward);
//   - no path the fast-forward touches may have a local change: staged,
//     unstaged, untracked, or an ignored file where the upstream adds one;
//     an unresolved conflict anywhere refuses too (else ErrLocalChanges).
//
// Local changes to other paths are kept, as git does. Files are written as
// git would write them (umask, end-of-line attributes and core.autocrlf,
// core.symlinks); what the go-git backend cannot reproduce (filter
// drivers, ident, working-tree-encoding) is refused before anything
// changes. Then it rewrites only the touched paths, replaces the index and
// moves the branch, all or nothing (see updateTo): a failure at any step
// leaves HEAD, index and work tree as they were. Once the update starts it
// is not interrupted by ctx: it is local and short.
func (b *Backend) Pull(ctx context.Context, dir string, opt git.PullOptions) (git.PullResult, error) {
	var res git.PullResult
	if err := ctx.Err(); err != nil {
		return res, opError(ctx, "pull", dir, err, "")
	}
	if opt.Rebase {
		return res, kindError("pull", dir, git.ErrUnsupported,
			"pull --rebase is not supported by the go-git backend; "+cliHint)
	}
	r, err := open("pull", dir)
	if err != nil {
		return res, err
	}
	if err := refuseReplaceRefs("pull", dir); err != nil {
		return res, err
	}
	if err := recoverInterrupted(r); err != nil {
		return res, opError(ctx, "pull", dir, err, "")
	}
	head, err := readHead(r)
	if err != nil {
		return res, opError(ctx, "pull", dir, err, "")
	}
	if head.detached {
		return res, kindError("pull", dir, git.ErrNoUpstream, "HEAD is detached: not on a branch")
	}
	cfg, err := r.Config()
	if err != nil {
		return res, opError(ctx, "pull", dir, err, "")
	}
	u, ok := branchUpstream(cfg, head.branch)
	if !ok {
		return res, kindError("pull", dir, git.ErrNoUpstream,
			fmt.Sprintf("branch %q has no upstream", head.branch))
	}
	if u.remote != "." {
		if err := fetch(withStallTimeout(ctx, opt.StallTimeout), r, "pull", dir, u.remote, opt.Auth, opt.Progress, false); err != nil {
			return res, err
		}
	}
	if err := ctx.Err(); err != nil {
		return res, opError(ctx, "pull", dir, err, "")
	}
	upRef, err := r.Reference(u.ref, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return res, kindError("pull", dir, git.ErrNoUpstream,
			fmt.Sprintf("upstream %s does not exist (deleted on the remote?)", u.name))
	}
	if err != nil {
		return res, opError(ctx, "pull", dir, err, "")
	}
	to := upRef.Hash()
	if !head.unborn {
		res.From, res.To = head.hash.String(), head.hash.String()
		if move, err := needsFastForward(ctx, r, dir, head, to, u.name); err != nil || !move {
			return res, err
		}
	}
	if err := b.updateTo(ctx, r, head, to, false, func() error { return updateBranch(r, head, to) }); err != nil {
		var lc *localChangesError
		if errors.As(err, &lc) {
			return res, &git.Error{Op: "pull", Dir: dir, Kind: git.ErrLocalChanges, Detail: lc.Error()}
		}
		return res, updateError(ctx, "pull", dir, err)
	}
	res.To = to.String()
	res.Updated = true
	return res, nil
}

// needsFastForward reports whether pulling upstream's commit to moves
// head: not when head is there already or only ahead (local commits), and
// a not-fast-forward error when the two have diverged.
func needsFastForward(ctx context.Context, r *gogit.Repository, dir string, head headInfo, to plumbing.Hash, upstream string) (bool, error) {
	if to == head.hash {
		return false, nil
	}
	ff, err := isAncestor(ctx, r.Storer, head.hash, to)
	if err != nil {
		return false, opError(ctx, "pull", dir, err, "")
	}
	if ff {
		return true, nil
	}
	ahead, err := isAncestor(ctx, r.Storer, to, head.hash)
	if err != nil {
		return false, opError(ctx, "pull", dir, err, "")
	}
	if ahead {
		return false, nil // only local commits: nothing to pull
	}
	return false, kindError("pull", dir, git.ErrNotFastForward,
		fmt.Sprintf("%s has diverged from %s; not a fast-forward", head.branch, upstream))
}

// updateBranch moves the checked-out branch to hash, refusing if someone
// else moved it since HEAD was read.
func updateBranch(r *gogit.Repository, head headInfo, hash plumbing.Hash) error {
	next := plumbing.NewHashReference(head.ref, hash)
	if head.unborn {
		return r.Storer.SetReference(next)
	}
	return r.Storer.CheckAndSetReference(next, plumbing.NewHashReference(head.ref, head.hash))
}

// updateError classifies a failed work-tree update: what the backend
// cannot reproduce is ErrUnsupported with the path and the fix.
func updateError(ctx context.Context, op, dir string, err error) error {
	var ce *cannotCheckoutError
	if errors.As(err, &ce) {
		return &git.Error{Op: op, Dir: dir, Kind: git.ErrUnsupported, Detail: ce.Error(), Err: err}
	}
	return opError(ctx, op, dir, err, "")
}
