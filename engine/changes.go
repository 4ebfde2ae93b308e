package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/refchange"
)

// Cancellation says why an operation did not run to its end when the run
// was cancelled.
type Cancellation string

// The cancellations.
const (
	// CancelStopped: the operation was running and was stopped. It counts
	// as stopped, not as a failure; Err says what was interrupted.
	CancelStopped Cancellation = "stopped"
	// CancelNotStarted: the operation was still waiting for a worker.
	CancelNotStarted Cancellation = "not-started"
)

// snapshot reads the refs a fetch or pull can move, in-process; nil when
// they cannot be read that way (a bare mirror, reftable, a fake path in a
// test): the operation then runs without a change report or a skip check,
// and the backend decides.
func (x *opExec) snapshot() *refchange.Snapshot {
	if x.r.plan.Options.Mirror {
		return nil
	}
	s, err := refchange.Take(x.jb.Repo.Path, os.Environ())
	if err != nil {
		x.log.Debug().Err(err).Msg("refs snapshot unavailable, no change report")
		return nil
	}
	return s
}

// fetchSkip is why a fetch has nothing to do ("" when it has something).
func fetchSkip(s *refchange.Snapshot) string {
	if s != nil && s.Remotes == 0 {
		return "no remote"
	}
	return ""
}

// pullSkip is why there is nothing to pull into: not a failure, the
// repository is simply not set up to pull ("" when it is).
func pullSkip(s *refchange.Snapshot) string {
	switch {
	case s == nil:
		return ""
	case s.Remotes == 0:
		return "no remote"
	case s.Head.Detached:
		return "detached HEAD"
	case s.Head.SHA == "":
		return "unborn branch (no commits yet)"
	case !s.UpstreamConfigured:
		return "no upstream"
	}
	return ""
}

// tidyError is an operation's error as people read it: one "op repo:"
// prefix (the layers below repeat the operation's name), "cancelled"
// instead of Go's "context canceled". errors.Is and errors.As see the
// original chain.
type tidyError struct {
	msg string
	err error
}

func (e *tidyError) Error() string { return e.msg }
func (e *tidyError) Unwrap() error { return e.err }

// tidy rewrites err's message; nil stays nil.
func tidy(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	msg = strings.ReplaceAll(msg, "(retry cancelled: context canceled)", "(retry cancelled)")
	msg = strings.ReplaceAll(msg, "context canceled", "cancelled")
	msg = strings.ReplaceAll(msg, "context deadline exceeded", "timed out")
	parts := strings.Split(msg, ": ")
	out := parts[:0:0]
	for i, p := range parts {
		if i > 0 && p == parts[i-1] {
			continue // "fetch: fetch: network error"
		}
		if i == 1 && strings.HasPrefix(parts[0], p+" ") {
			continue // "fetch repo: fetch: …": the prefix said it
		}
		out = append(out, p)
	}
	msg = strings.Join(out, ": ")
	if msg == err.Error() {
		return err
	}
	return &tidyError{msg: msg, err: err}
}

// withMergeHint attaches advice to a failed pull or fetch when the
// repository is in the middle of a merge or holds unresolved conflicts:
// nothing can be pulled until a person finishes or aborts it.
func withMergeHint(err error, dir string, st *git.Status) error {
	if err == nil || dir == "" {
		return err
	}
	_, statErr := os.Stat(filepath.Join(mergeHeadDir(dir), "MERGE_HEAD"))
	if statErr != nil && (st == nil || st.Conflicts == 0) {
		return err
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return err
	}
	return &hintedError{err: err, hint: "resolve the conflicts or run git merge --abort in " + dir}
}

// mergeHeadDir is the git directory of the work tree at dir (where git
// keeps MERGE_HEAD), a linked worktree's own included.
func mergeHeadDir(dir string) string {
	if r, err := gitobj.Open(dir); err == nil {
		return r.GitDir
	}
	return filepath.Join(dir, ".git")
}
