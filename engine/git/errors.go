package git

import (
	"errors"
	"strings"
	"time"
)

// Sentinel errors: the classified causes of a failed git operation. Backends
// wrap them (errors.Is works) so that the engine and the presenters can turn
// a failure into a repository state and an explanation instead of raw stderr.
var (
	ErrAuth           = errors.New("authentication required")
	ErrNotFastForward = errors.New("not fast-forward")
	ErrNoUpstream     = errors.New("no upstream")
	ErrRepoNotFound   = errors.New("repository not found")
	ErrNetwork        = errors.New("network error")
	ErrUnsupported    = errors.New("not supported by this backend")
	ErrLocalChanges   = errors.New("local changes")
	ErrNotRepository  = errors.New("not a git repository")
	ErrDestExists     = errors.New("destination exists")
	// ErrBranchInUse: the branch is checked out in another worktree of
	// the same repository, where git refuses to check it out again.
	ErrBranchInUse = errors.New("branch checked out in another worktree")
	// ErrNoCommits: HEAD is unborn, so there is nothing to start a
	// branch from.
	ErrNoCommits = errors.New("no commits yet")
	// ErrNoSuchBranch: the branch exists neither locally nor on a remote.
	ErrNoSuchBranch = errors.New("no such branch")
	// ErrLocked: another process holds a lock on the repository (git's
	// index.lock or a ref lock, or another mgit's repository lock).
	ErrLocked = errors.New("repository locked")
	// ErrDiskFull: the file system ran out of space (ENOSPC).
	ErrDiskFull = errors.New("disk full")
	// ErrStalled: the transfer went slower than the low-speed limit for
	// the whole stall timeout.
	ErrStalled = errors.New("transfer stalled")
	// ErrHostDown: the host failed too many connections in a row; its
	// remaining operations fail fast without trying.
	ErrHostDown = errors.New("host down")
)

// Error is a failed git operation: what was attempted, the classified cause
// and git's own message (already stripped of credentials by the backend).
type Error struct {
	Op     string // "status", "fetch", "pull", "clone"
	Dir    string // repository or clone destination
	Kind   error  // one of the sentinel errors, or nil when unclassified
	Detail string // the most useful line(s) of git's stderr
	Err    error  // the underlying error (exit status, go-git error, ctx error)
	// RetryAfter is the wait the server asked for with a 429 or 503
	// (Retry-After); 0 when it asked for none or nobody could tell.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	} else if e.Err != nil && e.Kind == nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap exposes both the classified kind and the underlying error.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Transient reports whether err is worth retrying: a network failure that is
// not an authentication or not-found answer.
func Transient(err error) bool {
	return errors.Is(err, ErrNetwork) && !errors.Is(err, ErrAuth) && !errors.Is(err, ErrRepoNotFound)
}

// Hint says what a person can do about a classified error, or "" when
// there is nothing better to say than the error itself. An error in the
// chain with a Hint() method (the engine's credential hint, see
// Credentials.Hint) answers first.
func Hint(err error) string {
	// A hint the engine attached knows more (which credential was used).
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		return h.Hint()
	}
	switch {
	case errors.Is(err, ErrAuth):
		return "set MGIT_TOKEN (or log in) with a token that can read this repository"
	case errors.Is(err, ErrNotFastForward):
		return "the branch has diverged from its upstream; merge or rebase by hand, or pull with --rebase"
	case errors.Is(err, ErrNoUpstream):
		return "set an upstream with: git branch --set-upstream-to=origin/<branch>"
	case errors.Is(err, ErrRepoNotFound):
		return "check the URL, and that your token can see the repository"
	case errors.Is(err, ErrNetwork):
		return "check the network and the server; transient failures were retried"
	case errors.Is(err, ErrUnsupported):
		return "use --git-backend cli (needs git on PATH)"
	case errors.Is(err, ErrLocalChanges):
		return "commit, stash or discard the local changes first"
	case errors.Is(err, ErrBranchInUse):
		return "switch that worktree to another branch first (git worktree list shows where)"
	case errors.Is(err, ErrNoCommits):
		return "make a first commit before creating branches"
	case errors.Is(err, ErrNoSuchBranch):
		return "fetch first, or pass --create to create the branch from HEAD"
	case errors.Is(err, ErrLocked):
		return "another git or mgit is working on this repository; wait for it (raise --lock-wait), or remove a stale .git/*.lock left by a crash"
	case errors.Is(err, ErrDiskFull):
		return "free disk space, then run again: nothing half-written was kept"
	case errors.Is(err, ErrStalled):
		return "the server sent too little for --stall-timeout; check it, or raise --stall-timeout for a slow link"
	case errors.Is(err, ErrHostDown):
		return "the host refused or dropped several connections in a row; check that it is up and reachable, then run again"
	}
	return ""
}
