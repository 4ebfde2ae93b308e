package gogit

import (
	"context"
	"errors"
	"fmt"
	"time"

	gogit "github.com/go-git/go-git/v5"

	"github.com/mgit-dev/mgit/engine/git"
)

// Fetch updates the remote-tracking refs from the current branch's
// upstream remote, or origin when the branch tracks nothing (or HEAD is
// detached).
func (b *Backend) Fetch(ctx context.Context, dir string, opt git.FetchOptions) error {
	if err := ctx.Err(); err != nil {
		return opError(ctx, "fetch", dir, err, "")
	}
	r, err := open("fetch", dir)
	if err != nil {
		return err
	}
	remote, err := fetchRemote(r)
	if err != nil {
		return opError(ctx, "fetch", dir, err, "")
	}
	if remote == "" || remote == "." {
		// No remote at all (git fetch succeeds silently there too), or an
		// upstream that is a local branch: nothing to fetch.
		return nil
	}
	return fetch(withStallTimeout(ctx, opt.StallTimeout), r, "fetch", dir, remote, opt.Auth, opt.Progress, opt.Prune)
}

// fetchRemote picks the remote git fetch would use with no argument: the
// branch's remote, else origin, else the only remote; "" when there is
// none.
func fetchRemote(r *gogit.Repository) (string, error) {
	head, err := readHead(r)
	if err != nil {
		return "", err
	}
	cfg, err := r.Config()
	if err != nil {
		return "", err
	}
	if head.branch != "" {
		if bc, ok := cfg.Branches[head.branch]; ok && bc.Remote != "" {
			return bc.Remote, nil
		}
	}
	if _, ok := cfg.Remotes["origin"]; ok || len(cfg.Remotes) > 1 {
		return "origin", nil
	}
	for name := range cfg.Remotes {
		return name, nil
	}
	return "", nil
}

// fetch runs one fetch of remote with its configured refspecs. An
// up-to-date remote is success.
func fetch(ctx context.Context, r *gogit.Repository, op, dir, remote string, creds git.Credentials, progress git.ProgressFunc, prune bool) error {
	rem, err := r.Remote(remote)
	if errors.Is(err, gogit.ErrRemoteNotFound) {
		return &git.Error{Op: op, Dir: dir, Kind: git.ErrNoUpstream,
			Detail: fmt.Sprintf("no remote %q configured", remote), Err: err}
	}
	if err != nil {
		return opError(ctx, op, dir, err, "")
	}
	urls := rem.Config().URLs
	if len(urls) == 0 {
		return &git.Error{Op: op, Dir: dir, Kind: git.ErrNoUpstream,
			Detail: fmt.Sprintf("remote %q has no url", remote)}
	}
	auth, err := authFor(urls[0], creds)
	if err != nil {
		return authError(op, dir, err)
	}
	wctx, stop := watchRepo(ctx, r)
	err = rem.FetchContext(wctx, &gogit.FetchOptions{
		RemoteName: remote,
		Auth:       auth,
		Progress:   newProgress(progress),
		Prune:      prune,
	})
	stop()
	if d, _ := ctx.Value(stallKey{}).(time.Duration); err != nil {
		if serr := stallError(wctx, op, dir, d); serr != nil {
			return serr
		}
	}
	if err == nil || errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return nil
	}
	return opError(ctx, op, dir, err, creds.Password)
}
