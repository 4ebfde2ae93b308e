package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mgit-dev/mgit/engine/backoff"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/refchange"
	"github.com/mgit-dev/mgit/engine/humanize"
)

// attempt runs fn with a per-attempt timeout, retrying transient network
// failures with exponential backoff and jitter. Authentication and not-found
// failures wrap sentinels that git.Transient rejects, so they are never
// retried; neither is a timed-out attempt (a retry would only wait as long
// again) nor anything after cancellation.
func (x *opExec) attempt(timeout time.Duration, fn func(ctx context.Context) error) error {
	pol := x.r.e.cfg.Retry
	for {
		ctx, cancel := context.WithTimeout(x.r.ctx, timeout)
		start := time.Now()
		err := fn(ctx)
		x.observeAttempt(sample{start: start, end: time.Now()}, err)
		timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded) && x.r.ctx.Err() == nil
		cancel()
		if err == nil {
			return nil
		}
		if timedOut {
			return fmt.Errorf("%s timed out after %s: %w", x.jb.Op, humanize.Duration(timeout), err)
		}
		if !git.Transient(err) || x.attempts >= pol.Attempts {
			return err
		}
		if down := x.r.hostDown(x.jb.Op, x.jb.Repo.Host); down != nil {
			// Other operations proved the host down meanwhile.
			return fmt.Errorf("%w (%w)", err, down)
		}
		if x.r.ctx.Err() != nil {
			// The run was cancelled while this attempt failed: the retry
			// it would have earned is what the cancellation stopped.
			return fmt.Errorf("%w (retry cancelled: %w)", err, x.r.ctx.Err())
		}
		d := backoff.Delay(pol.Base, pol.Max, x.attempts)
		if ra, ok := git.RetryAfterOf(err); ok {
			// The server said when: wait that long, if the user lets us.
			if ra > x.r.e.cfg.MaxWait {
				return fmt.Errorf("%w (the server asks to retry after %s, longer than --max-wait %s)", err, humanize.Duration(ra), humanize.Duration(max(x.r.e.cfg.MaxWait, 0)))
			}
			d = max(d, ra)
		}
		x.log.Debug().Err(err).Int("attempt", x.attempts).Dur("backoff", d).Msg("transient failure, retrying")
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-x.r.ctx.Done():
			timer.Stop()
			return fmt.Errorf("%w (retry cancelled: %w)", err, x.r.ctx.Err())
		}
		x.attempts++
		n := x.attempts
		x.r.e.emit(x.r.id, x.jb.Repo.ID, func(m Meta) Event {
			return OpStarted{Meta: m, Op: x.jb.Op, OpID: x.jb.opID, Attempt: n}
		})
		x.log.Debug().Int("attempt", n).Msg("op started")
	}
}

// run dispatches on the operation.
func (x *opExec) run() (Result, error) {
	repo, opt := x.jb.Repo, x.r.plan.Options
	switch x.jb.Op {
	case OpStatus:
		if opt.FetchBeforeStatus && !opt.DryRun {
			return x.fetchThenStatus("status")
		}
		return x.status()
	case OpFetch:
		if opt.DryRun {
			return Result{Outcome: OutcomeSkipped, Detail: "dry run: would fetch"}, nil
		}
		return x.fetchThenStatus("fetch")
	case OpPull:
		if opt.DryRun {
			return Result{Outcome: OutcomeSkipped, Detail: "dry run: would pull"}, nil
		}
		return x.pull(opt.Rebase, "")
	case OpClone:
		return cloneExec{x}.clone()
	case OpCheckout:
		return x.checkout()
	case OpInspect:
		return x.inspect()
	case OpExec:
		return x.exec()
	}
	return Result{}, fmt.Errorf("%s %s: unknown operation %q", x.jb.Op, repo.ID, x.jb.Op)
}

func (x *opExec) backend() git.Backend { return x.r.e.cfg.Backend }

func (x *opExec) status() (Result, error) {
	var st git.Status
	err := x.attempt(x.r.e.cfg.StatusTimeout, func(ctx context.Context) error {
		var err error
		st, err = x.backend().Status(ctx, x.jb.Repo.Path)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("status %s: %w", x.jb.Repo.ID, err)
	}
	return Result{Status: &st}, nil
}

// statusAfter reads the state after a network operation. Its failure does
// not turn a successful fetch or pull into a failed one; it is noted in
// Detail instead.
func (x *opExec) statusAfter(res Result) Result {
	if x.r.plan.Options.Mirror {
		return res // a bare mirror has no work tree to report on
	}
	ctx, cancel := context.WithTimeout(x.r.ctx, x.r.e.cfg.StatusTimeout)
	defer cancel()
	st, err := x.backend().Status(ctx, x.jb.Repo.Path)
	if err != nil {
		res.Detail = joinDetail(res.Detail, "status unavailable: "+err.Error())
		return res
	}
	res.Status = &st
	return res
}

func (x *opExec) fetchThenStatus(what string) (Result, error) {
	before := x.snapshot()
	if reason := fetchSkip(before); reason != "" {
		if what == "status" {
			return x.status() // nothing to fetch: the status is still wanted
		}
		return x.statusAfter(Result{Outcome: OutcomeSkipped, Detail: reason}), nil
	}
	auth := x.credentials()
	err := x.attempt(x.r.e.cfg.Timeout, func(ctx context.Context) error {
		return x.backend().Fetch(ctx, x.jb.Repo.Path, git.FetchOptions{Auth: auth, Progress: x.progressFunc(), Prune: true, StallTimeout: x.r.e.cfg.StallTimeout})
	})
	if err != nil {
		// The last known state is still worth showing next to the failure.
		res := Result{}
		if x.r.ctx.Err() == nil {
			res = x.statusAfter(res)
			res.Detail = ""
		}
		if what == "fetch" {
			return res, fmt.Errorf("fetch %s: %w", x.jb.Repo.ID, err)
		}
		return res, fmt.Errorf("%s %s: fetch: %w", what, x.jb.Repo.ID, err)
	}
	if what == "status" {
		return x.statusAfter(Result{}), nil
	}
	res := Result{Detail: "fetched"}
	if before != nil {
		if after := x.snapshot(); after != nil {
			c := refchange.Fetch(before, after)
			res.Refs, res.Detail = &c, c.String()
		}
	}
	return x.statusAfter(res), nil
}

// pull fast-forwards (or rebases) the repository; prefix goes in front of
// Detail ("exists; " when clone updates an existing clone). A repository
// with nothing to pull into (no remote, no upstream, detached or unborn
// HEAD) is skipped with the reason.
func (x *opExec) pull(rebase bool, prefix string) (Result, error) {
	before := x.snapshot()
	if reason := pullSkip(before); reason != "" {
		return x.statusAfter(Result{Outcome: OutcomeSkipped, Detail: prefix + reason}), nil
	}
	auth := x.credentials()
	var pr git.PullResult
	err := x.attempt(x.r.e.cfg.Timeout, func(ctx context.Context) error {
		var err error
		pr, err = x.backend().Pull(ctx, x.jb.Repo.Path, git.PullOptions{Auth: auth, Progress: x.progressFunc(), Rebase: rebase, StallTimeout: x.r.e.cfg.StallTimeout})
		return err
	})
	if err != nil {
		res := Result{}
		if x.r.ctx.Err() == nil {
			// Not fast-forward, no upstream: the state explains the failure.
			res = x.statusAfter(res)
			res.Detail = ""
			err = withMergeHint(err, x.jb.Repo.Path, res.Status)
		}
		return res, fmt.Errorf("pull %s: %w", x.jb.Repo.ID, err)
	}
	detail := "up to date"
	if pr.Updated {
		verb := "fast-forwarded"
		if rebase {
			verb = "updated"
		}
		detail = fmt.Sprintf("%s %s..%s", verb, humanize.SHA(pr.From), humanize.SHA(pr.To))
	}
	res := Result{Detail: prefix + detail}
	if before != nil {
		if after := x.snapshot(); after != nil {
			c := refchange.Pull(before, after)
			res.Refs, res.Detail = &c, prefix+c.String()
		}
	}
	return x.statusAfter(res), nil
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
