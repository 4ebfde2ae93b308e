package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
)

// checkout decides what switching to Options.Branch means in this
// repository — already there, switch, create tracking the remote branch,
// create from HEAD — and asks the backend to do it, or with DryRun to run
// every check of doing it and change nothing. A dry run and a real
// checkout take the same path through checkoutRequest and the backend's
// Checkout, so the preview's verdict is the checkout's: refused for local
// changes in the way (the files named), for a branch checked out in another
// worktree, for HEAD without commits, for a branch that exists nowhere.
// The decision is reported in Result.Checkout either way.
func (x *opExec) checkout() (Result, error) {
	opt, repo := x.r.plan.Options, x.jb.Repo
	if err := git.ValidateBranch(opt.Branch); err != nil {
		return Result{}, fmt.Errorf("checkout %s: %w", repo.ID, err)
	}
	var (
		res Result
		br  git.Branches
	)
	err := x.attempt(x.r.e.cfg.Timeout, func(ctx context.Context) error {
		st, err := x.backend().Status(ctx, repo.Path)
		if err != nil {
			return err
		}
		res.Status = &st
		if !st.Detached && st.Branch == opt.Branch {
			res.Checkout = CheckoutCurrent
			return nil
		}
		if br, err = x.backend().Branches(ctx, repo.Path); err != nil {
			return err
		}
		res.Checkout = checkoutAction(br, opt)
		co, err := checkoutRequest(st, br, opt, res.Checkout)
		if err != nil {
			return err
		}
		return x.backend().Checkout(ctx, repo.Path, co)
	})
	if err != nil {
		return res, fmt.Errorf("checkout %s: %w", repo.ID, err)
	}
	detail := checkoutDetail(res.Checkout, opt.Branch, br.Tracking(opt.Branch))
	switch {
	case res.Checkout == CheckoutCurrent:
		// Nothing to do, dry run or not.
		res.Detail = detail
		return res, nil
	case opt.DryRun:
		res.Outcome, res.Detail = OutcomeSkipped, "dry run: would "+detail
		return res, nil
	}
	res = x.statusAfter(Result{Checkout: res.Checkout, Detail: pastTense(detail)})
	return res, nil
}

// checkoutRequest is what the backend is asked to do for action, or the
// refusal the engine decides itself: no such branch, or nothing to create
// it from.
func checkoutRequest(st git.Status, br git.Branches, opt Options, action CheckoutAction) (git.CheckoutOptions, error) {
	co := git.CheckoutOptions{Branch: opt.Branch, Create: action != CheckoutSwitch, DryRun: opt.DryRun}
	switch action {
	case CheckoutMissing:
		return co, fmt.Errorf("%s: %w", checkoutDetail(action, opt.Branch, ""), git.ErrNoSuchBranch)
	case CheckoutTrack:
		co.StartPoint = br.Tracking(opt.Branch)
	case CheckoutCreate:
		if st.NoCommits {
			// git switch -c would only rename the unborn branch; git
			// switch -c NAME HEAD fails ("invalid reference: HEAD").
			return co, fmt.Errorf("create %s from HEAD: %w", opt.Branch, git.ErrNoCommits)
		}
		co.StartPoint = "HEAD"
	}
	return co, nil
}

// checkoutAction decides, from the branches, what checking out opt.Branch
// takes.
func checkoutAction(br git.Branches, opt Options) CheckoutAction {
	switch {
	case br.HasLocal(opt.Branch):
		return CheckoutSwitch
	case br.Tracking(opt.Branch) != "":
		// git switch does the same without being asked to create.
		return CheckoutTrack
	case opt.CreateBranch:
		return CheckoutCreate
	}
	return CheckoutMissing
}

func checkoutDetail(a CheckoutAction, branch, tracking string) string {
	switch a {
	case CheckoutCurrent:
		return "already on " + branch
	case CheckoutSwitch:
		return "switch to " + branch
	case CheckoutTrack:
		return "create " + branch + " tracking " + tracking
	case CheckoutCreate:
		return "create " + branch + " from HEAD"
	}
	return "no branch " + branch + " here or on a remote"
}

// pastTense turns a planned detail into a done one.
func pastTense(d string) string {
	for _, p := range [][2]string{{"switch to ", "switched to "}, {"create ", "created "}} {
		if rest, ok := strings.CutPrefix(d, p[0]); ok {
			return p[1] + rest
		}
	}
	return d
}

// inspect reads what a detail view shows: status, recent commits and the
// changed paths (only read when the status says there are some).
func (x *opExec) inspect() (Result, error) {
	repo, n := x.jb.Repo, x.r.plan.Options.LogLimit
	if n <= 0 {
		n = 10
	}
	var res Result
	err := x.attempt(x.r.e.cfg.StatusTimeout, func(ctx context.Context) error {
		st, err := x.backend().Status(ctx, repo.Path)
		if err != nil {
			return err
		}
		res.Status = &st
		if !st.NoCommits {
			if res.Commits, err = x.backend().Log(ctx, repo.Path, n); err != nil {
				return err
			}
		}
		if st.Dirty() {
			if res.Changes, err = x.backend().Changes(ctx, repo.Path); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("inspect %s: %w", repo.ID, err)
	}
	return res, nil
}
