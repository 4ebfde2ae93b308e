package git

import (
	"errors"
	"strings"
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
)

// Error is a failed git operation: what was attempted, the classified cause
// and git's own message (already stripped of credentials by the backend).
type Error struct {
	Op     string // "status", "fetch", "pull", "clone"
	Dir    string // repository or clone destination
	Kind   error  // one of the sentinel errors, or nil when unclassified
	Detail string // the most useful line(s) of git's stderr
	Err    error  // the underlying error (exit status, go-git error, ctx error)
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
	}
	return ""
}
