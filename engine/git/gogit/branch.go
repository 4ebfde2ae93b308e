package gogit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mgit-dev/mgit/engine/git"
)

// Branches lists local and remote-tracking branches from the ref store.
func (b *Backend) Branches(ctx context.Context, dir string) (git.Branches, error) {
	if err := ctx.Err(); err != nil {
		return git.Branches{}, opError(ctx, "branches", dir, err, "")
	}
	r, err := open("branches", dir)
	if err != nil {
		return git.Branches{}, err
	}
	br, err := branches(r)
	if err != nil {
		return br, opError(ctx, "branches", dir, err, "")
	}
	return br, nil
}

func branches(r *gogit.Repository) (git.Branches, error) {
	var br git.Branches
	refs, err := r.References()
	if err != nil {
		return br, err
	}
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		n := ref.Name()
		switch {
		case n.IsBranch():
			br.Local = append(br.Local, n.Short())
		case n.IsRemote() && ref.Type() == plumbing.HashReference && !strings.HasSuffix(string(n), "/HEAD"):
			br.Remote = append(br.Remote, strings.TrimPrefix(string(n), "refs/remotes/"))
		}
		return nil
	})
	sort.Strings(br.Local)
	sort.Strings(br.Remote)
	return br, err
}

// Checkout switches branches without go-git's Worktree.Checkout, which
// resets the work tree and so loses staged changes. It reuses Pull's
// careful update instead: the tree of HEAD is diffed against the target's,
// the switch is refused (ErrLocalChanges, nothing changed) when a local
// change, an unresolved conflict, or an untracked or ignored file sits on
// any path that differs between the two, and only those paths are
// rewritten. Local changes elsewhere are carried over, as git switch does.
func (b *Backend) Checkout(ctx context.Context, dir string, opt git.CheckoutOptions) error {
	if err := ctx.Err(); err != nil {
		return opError(ctx, "checkout", dir, err, "")
	}
	if err := git.ValidateBranch(opt.Branch); err != nil {
		return &git.Error{Op: "checkout", Dir: dir, Detail: err.Error(), Err: err}
	}
	r, err := open("checkout", dir)
	if err != nil {
		return err
	}
	head, err := readHead(r)
	if err != nil {
		return opError(ctx, "checkout", dir, err, "")
	}
	br, err := branches(r)
	if err != nil {
		return opError(ctx, "checkout", dir, err, "")
	}
	target, track, err := checkoutTarget(r, head, br, opt)
	if err != nil {
		return &git.Error{Op: "checkout", Dir: dir, Detail: err.Error(), Err: err}
	}
	if err := checkoutRefusal(dir, opt); err != nil {
		return err
	}
	// git refuses any switch, even to the same commit, while the index
	// holds a conflict ("you need to resolve your current index first").
	if idx, err := r.Storer.Index(); err == nil {
		if conflicts := unmergedPaths(idx); len(conflicts) > 0 {
			return kindError("checkout", dir, git.ErrLocalChanges, git.BlockedDetail(slices.Collect(maps.Keys(conflicts))))
		}
	}
	if opt.DryRun {
		if _, _, err := planMove(ctx, r, head, target); err != nil {
			return movedError(ctx, dir, err)
		}
		return nil
	}
	if err := moveWorktree(ctx, r, head, target); err != nil {
		return movedError(ctx, dir, err)
	}
	name := plumbing.NewBranchReferenceName(opt.Branch)
	if opt.Create {
		if err := r.Storer.SetReference(plumbing.NewHashReference(name, target)); err != nil {
			return opError(ctx, "checkout", dir, err, "")
		}
		if track != "" {
			if err := setTracking(r, opt.Branch, track); err != nil {
				return opError(ctx, "checkout", dir, err, "")
			}
		}
	}
	if err := r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, name)); err != nil {
		return opError(ctx, "checkout", dir, err, "")
	}
	return nil
}

// checkoutTarget resolves the commit to switch to, and the remote-tracking
// branch ("origin/x") a created branch tracks ("" for none).
func checkoutTarget(r *gogit.Repository, head headInfo, br git.Branches, opt git.CheckoutOptions) (plumbing.Hash, string, error) {
	resolve := func(n plumbing.ReferenceName) (plumbing.Hash, error) {
		ref, err := r.Reference(n, true)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("resolve %s: %w", n.Short(), err)
		}
		return ref.Hash(), nil
	}
	if !opt.Create {
		if !br.HasLocal(opt.Branch) {
			return plumbing.ZeroHash, "", fmt.Errorf("no local branch %s", opt.Branch)
		}
		h, err := resolve(plumbing.NewBranchReferenceName(opt.Branch))
		return h, "", err
	}
	if br.HasLocal(opt.Branch) {
		return plumbing.ZeroHash, "", fmt.Errorf("a branch named %s already exists", opt.Branch)
	}
	start := opt.StartPoint
	if start == "" {
		if start = br.Tracking(opt.Branch); start == "" {
			start = "HEAD"
		}
	}
	switch {
	case start == "HEAD":
		if head.unborn {
			return plumbing.ZeroHash, "", errors.New("HEAD has no commits to start a branch from")
		}
		return head.hash, "", nil
	case contains(br.Remote, start):
		h, err := resolve(plumbing.ReferenceName("refs/remotes/" + start))
		return h, start, err
	case br.HasLocal(start):
		h, err := resolve(plumbing.NewBranchReferenceName(start))
		return h, "", err
	}
	return plumbing.ZeroHash, "", fmt.Errorf("start point %s is not a branch of this repository", start)
}

// movedError is the error of a refused or failed work tree move.
func movedError(ctx context.Context, dir string, err error) error {
	var lc *localChangesError
	if errors.As(err, &lc) {
		return kindError("checkout", dir, git.ErrLocalChanges, git.BlockedDetail(lc.paths))
	}
	return opError(ctx, "checkout", dir, err, "")
}

// moveWorktree rewrites the paths that differ between HEAD and target,
// refusing first when local work is in the way.
func moveWorktree(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash) error {
	root, plan, err := planMove(ctx, r, head, target)
	if err != nil || plan == nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if locked(r) {
		return errors.New("another git process holds the index (index.lock exists); try again later")
	}
	// From here on nothing checks ctx, as in Pull: stopping half-way
	// would leave a confusing work tree.
	idx, err := r.Storer.Index()
	if err != nil {
		return err
	}
	if err := applyPlan(r, root, idx, *plan); err != nil {
		return err
	}
	return r.Storer.SetIndex(idx)
}

// planMove is every check of moveWorktree, changing nothing: the plan of
// paths to rewrite (nil when HEAD is already at target), or the
// localChangesError naming the paths in the way. A checkout's dry run and
// the checkout itself run it alike.
func planMove(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash) (string, *ffPlan, error) {
	if !head.unborn && head.hash == target {
		return "", nil, nil // same commit: index and work tree stay as they are
	}
	wt, err := r.Worktree()
	if err != nil {
		return "", nil, err
	}
	root := wt.Filesystem.Root()
	plan, err := planFastForward(ctx, r, head, target)
	if err != nil {
		return "", nil, err
	}
	if err := checkLocalChanges(r, wt, root, plan); err != nil {
		return "", nil, err
	}
	return root, &plan, nil
}

// setTracking writes branch.<name>.remote and .merge for upstream
// "remote/branch".
func setTracking(r *gogit.Repository, name, upstream string) error {
	remote, branch, _ := strings.Cut(upstream, "/")
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	cfg.Branches[name] = &config.Branch{Name: name, Remote: remote, Merge: plumbing.NewBranchReferenceName(branch)}
	return r.SetConfig(cfg)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
