package cli

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
)

// Branches lists local and remote-tracking branches with one for-each-ref.
func (b *Backend) Branches(ctx context.Context, dir string) (git.Branches, error) {
	out, err := b.git(ctx, "branches", dir,
		[]string{"for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes"},
		cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return git.Branches{}, err
	}
	return parseBranches(out.stdout), nil
}

// parseBranches reads full ref names, one a line.
func parseBranches(out []byte) git.Branches {
	var br git.Branches
	for line := range bytes.Lines(out) {
		ref := strings.TrimRight(string(line), "\r\n")
		if name, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
			br.Local = append(br.Local, name)
		} else if name, ok := strings.CutPrefix(ref, "refs/remotes/"); ok && !strings.HasSuffix(name, "/HEAD") {
			br.Remote = append(br.Remote, name)
		}
	}
	sort.Strings(br.Local)
	sort.Strings(br.Remote)
	return br
}

// Checkout runs the checks of its dry run (checkoutCheck), then git switch.
// git itself refuses too, changing nothing, when a local change would be
// overwritten ("Your local changes … would be
// overwritten"), which Classify turns into ErrLocalChanges; changes that
// do not conflict with the other branch are carried over, as in git.
func (b *Backend) Checkout(ctx context.Context, dir string, opt git.CheckoutOptions) error {
	if err := git.ValidateBranch(opt.Branch); err != nil {
		return &git.Error{Op: "checkout", Dir: dir, Detail: err.Error(), Err: err}
	}
	args, target, err := b.checkoutArgs(ctx, dir, opt)
	if err != nil {
		return err
	}
	if err := (checkoutChecks{b}).checkoutCheck(ctx, dir, opt, target); err != nil || opt.DryRun {
		return err
	}
	out, err := b.run(ctx, dir, args, cmdOpts{ceiling: true,
		extraEnv: []string{"GIT_REFLOG_ACTION=mgit checkout"}})
	if err != nil {
		e := failure(ctx, "checkout", dir, out, err).(*git.Error)
		// git prints "<path>: needs merge" on stdout, the other lists on
		// stderr.
		if paths := overwrittenPaths(string(out.stdout) + "\n" + out.stderr); len(paths) > 0 && errors.Is(e, git.ErrLocalChanges) {
			e.Detail = git.BlockedDetail(paths)
		}
		return e
	}
	return nil
}

// overwrittenPaths reads the paths git switch lists, one a line after a tab,
// under "Your local changes to the following files would be overwritten",
// "The following untracked working tree files would be overwritten" (or
// "removed"), "Updating the following directories would lose untracked
// files in them" and, for conflicts, "<path>: needs merge".
func overwrittenPaths(stderr string) []string {
	var paths []string
	listing := false
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.HasSuffix(l, "by checkout:") || strings.HasSuffix(l, "would lose untracked files in them:"):
			listing = true
		case listing && strings.HasPrefix(l, "\t"):
			paths = append(paths, strings.TrimPrefix(l, "\t"))
		case strings.HasSuffix(l, ": needs merge"):
			paths = append(paths, strings.TrimSuffix(l, ": needs merge"))
		default:
			listing = false
		}
	}
	return paths
}

// checkoutArgs builds the git switch command and names the commit it
// switches to. The branch name was validated (it cannot start with '-');
// the start point is checked against the repository's branches before it
// reaches argv, so it cannot be an option either.
func (b *Backend) checkoutArgs(ctx context.Context, dir string, opt git.CheckoutOptions) (args []string, target string, err error) {
	if !opt.Create {
		return []string{"switch", "--no-guess", opt.Branch}, "refs/heads/" + opt.Branch, nil
	}
	br, err := b.Branches(ctx, dir)
	if err != nil {
		return nil, "", err
	}
	if br.HasLocal(opt.Branch) {
		return nil, "", &git.Error{Op: "checkout", Dir: dir, Detail: "a branch named " + opt.Branch + " already exists"}
	}
	start := opt.StartPoint
	if start == "" {
		if start = br.Tracking(opt.Branch); start == "" {
			start = "HEAD"
		}
	}
	switch {
	case contains(br.Remote, start):
		return []string{"switch", "--create", opt.Branch, "--track", "refs/remotes/" + start}, "refs/remotes/" + start, nil
	case start == "HEAD":
		return []string{"switch", "--create", opt.Branch, "--no-track", "HEAD"}, "HEAD", nil
	case br.HasLocal(start):
		return []string{"switch", "--create", opt.Branch, "--no-track", "refs/heads/" + start}, "refs/heads/" + start, nil
	}
	return nil, "", &git.Error{Op: "checkout", Dir: dir, Detail: "start point " + start + " is not a branch of this repository"}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
