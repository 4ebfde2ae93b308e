package gogit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/mgit-dev/mgit/engine/git"
)

// Clone clones url into dest. Like git, it leaves the checked-out branch
// tracking its remote branch (branch.<name>.remote/merge), so Status shows
// the upstream right away. An empty remote repository is not an error (git
// clones it too): dest becomes an empty repository with origin configured.
func (b *Backend) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	if err := ctx.Err(); err != nil {
		return opError(ctx, "clone", dest, err, "")
	}
	if err := checkDest(dest); err != nil {
		return err
	}
	auth, err := authFor(url, opt.Auth)
	if err != nil {
		return authError("clone", dest, err)
	}
	_, statErr := os.Lstat(dest)
	existed := statErr == nil
	co := &gogit.CloneOptions{
		URL:        url,
		Auth:       auth,
		RemoteName: "origin",
		Depth:      opt.Depth,
		Progress:   newProgress(opt.Progress),
		// go-git's own checkout ignores the umask, attributes and
		// core.symlinks and reads every blob whole; checkOutClone
		// writes the work tree as git would.
		NoCheckout: !opt.Mirror,
	}
	if opt.Mirror {
		co.Mirror = true
	} else if opt.Branch != "" {
		co.ReferenceName = plumbing.NewBranchReferenceName(opt.Branch)
		co.SingleBranch = true
	}
	pack := filepath.Join(dest, ".git", "objects", "pack")
	if opt.Mirror {
		pack = filepath.Join(dest, "objects", "pack")
	}
	wctx, stop := watchStall(ctx, pack, opt.StallTimeout)
	r, err := gogit.PlainCloneContext(wctx, dest, opt.Mirror, co)
	stop()
	if serr := stallError(wctx, "clone", dest, opt.StallTimeout); serr != nil {
		return serr
	}
	if errors.Is(err, transport.ErrEmptyRemoteRepository) && ctx.Err() == nil {
		return cloneEmpty(url, dest, opt.Mirror)
	}
	if err != nil {
		if opt.Branch != "" && errors.Is(err, plumbing.ErrReferenceNotFound) {
			return &git.Error{Op: "clone", Dir: dest, Kind: git.ErrRepoNotFound,
				Detail: fmt.Sprintf("remote branch %q not found", opt.Branch), Err: err}
		}
		return opError(ctx, "clone", dest, err, opt.Auth.Password)
	}
	if opt.Mirror {
		return nil // no branch to track in a bare mirror
	}
	if err := ensureTracking(r, "origin"); err != nil {
		return opError(ctx, "clone", dest, err, "")
	}
	if err := setOriginHead(r, "origin"); err != nil {
		return opError(ctx, "clone", dest, err, "")
	}
	if err := b.checkOutClone(r); err != nil {
		// Nothing half-made is left: the destination is as it was.
		_ = os.RemoveAll(dest)
		if existed {
			_ = os.Mkdir(dest, 0o777)
		}
		return updateError(ctx, "clone", dest, err)
	}
	return nil
}

// checkOutClone fills the empty work tree and index of a fresh clone from
// HEAD's commit, with the same update as Pull (nothing to move: the clone
// already set HEAD).
func (b *Backend) checkOutClone(r *gogit.Repository) error {
	head, err := readHead(r)
	if err != nil || head.unborn {
		return err
	}
	// The update is local; the clone's deadline no longer applies.
	return b.updateTo(context.Background(), r, headInfo{unborn: true}, head.hash, true, func() error { return nil })
}

// checkDest refuses a destination that exists and is not an empty
// directory: go-git would otherwise check out over the files in it.
func checkDest(dest string) error {
	fi, err := os.Stat(dest)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &git.Error{Op: "clone", Dir: dest, Detail: err.Error(), Err: err}
	}
	if fi.IsDir() {
		entries, err := os.ReadDir(dest)
		if err != nil {
			return &git.Error{Op: "clone", Dir: dest, Detail: err.Error(), Err: err}
		}
		if len(entries) == 0 {
			return nil
		}
	}
	return &git.Error{Op: "clone", Dir: dest, Kind: git.ErrDestExists, Detail: "destination exists and is not an empty directory"}
}

// ensureTracking adds branch.<name>.remote/merge for the checked-out branch
// when go-git did not write them (it does in v5.19.3; this keeps the
// guarantee if that changes).
func ensureTracking(r *gogit.Repository, remote string) error {
	head, err := readHead(r)
	if err != nil || head.branch == "" {
		return err
	}
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	if bc, ok := cfg.Branches[head.branch]; ok && bc.Remote != "" && bc.Merge != "" {
		return nil
	}
	cfg.Branches[head.branch] = &config.Branch{
		Name:   head.branch,
		Remote: remote,
		Merge:  plumbing.NewBranchReferenceName(head.branch),
	}
	return r.SetConfig(cfg)
}

// setOriginHead writes refs/remotes/<remote>/HEAD pointing at the
// remote-tracking branch of the checked-out branch — the remote's HEAD,
// which go-git checked out — as git clone does (go-git does not), so
// `origin` names a commit and for-each-ref shows what git's clone shows.
func setOriginHead(r *gogit.Repository, remote string) error {
	head, err := readHead(r)
	if err != nil || head.branch == "" {
		return err
	}
	target := plumbing.NewRemoteReferenceName(remote, head.branch)
	if _, err := r.Storer.Reference(target); err != nil {
		return nil // no such remote-tracking branch: git writes none either
	}
	return r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.NewRemoteHEADReferenceName(remote), target))
}

// cloneEmpty makes dest what `git clone` of an empty repository makes: a
// repository with no commits and origin configured. With mirror it is what
// `git clone --mirror` makes: a bare repository whose origin fetches every
// ref onto itself (+refs/*:refs/*, remote.origin.mirror=true), so the next
// fetch of the mirror brings the first commits in the same layout as a
// mirror of a non-empty repository.
func cloneEmpty(url, dest string, mirror bool) error {
	r, err := gogit.PlainInit(dest, mirror)
	if err != nil {
		return &git.Error{Op: "clone", Dir: dest, Detail: err.Error(), Err: err}
	}
	rc := &config.RemoteConfig{
		Name:  "origin",
		URLs:  []string{url},
		Fetch: []config.RefSpec{"+refs/heads/*:refs/remotes/origin/*"},
	}
	if mirror {
		rc.Fetch = []config.RefSpec{"+refs/*:refs/*"}
		rc.Mirror = true
	}
	if _, err = r.CreateRemote(rc); err != nil {
		return &git.Error{Op: "clone", Dir: dest, Detail: err.Error(), Err: err}
	}
	return nil
}
