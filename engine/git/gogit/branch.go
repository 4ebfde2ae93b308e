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
// rewritten, all or nothing, as Pull does. Local changes elsewhere are
// carried over, as git switch does.
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
	if err := recoverInterrupted(r); err != nil {
		return opError(ctx, "checkout", dir, err, "")
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
		// Every check of the update, nothing written: the same planning
		// and refusals as the checkout below.
		if err := b.dryRunUpdate(ctx, r, head, target); err != nil {
			return checkoutFailure(ctx, dir, err)
		}
		return nil
	}
	name := plumbing.NewBranchReferenceName(opt.Branch)
	moveRefs := func() error {
		if opt.Create {
			if err := r.Storer.SetReference(plumbing.NewHashReference(name, target)); err != nil {
				return err
			}
			if track != "" {
				if err := setTracking(r, opt.Branch, track); err != nil {
					_ = r.Storer.RemoveReference(name)
					return err
				}
			}
		}
		err := r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, name))
		if err != nil && opt.Create {
			_ = r.Storer.RemoveReference(name)
		}
		return err
	}
	if err := b.updateTo(ctx, r, head, target, false, moveRefs); err != nil {
		return checkoutFailure(ctx, dir, err)
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

// checkoutFailure is the error of a refused or failed work tree update:
// local changes in the way are named as git names them.
func checkoutFailure(ctx context.Context, dir string, err error) error {
	var lc *localChangesError
	if errors.As(err, &lc) {
		return kindError("checkout", dir, git.ErrLocalChanges, lc.detail(git.BlockedDetail))
	}
	return updateError(ctx, "checkout", dir, err)
}

// dryRunUpdate makes every decision of updateTo — plan, local changes,
// what the backend cannot write as git would — and changes nothing (the
// index lock it takes to decide is released at once).
func (b *Backend) dryRunUpdate(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash) error {
	if !head.unborn && head.hash == target {
		return nil
	}
	u, err := prepareUpdate(ctx, r, head, target, false)
	if err != nil {
		return err
	}
	u.lock.release()
	return nil
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
