package git

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Backend performs git operations on repositories on disk. Implementations
// must honour ctx: when it is cancelled every child process is stopped and the
// call returns promptly with an error wrapping ctx.Err().
//
// A Backend never prompts: a missing or wrong credential is an error that
// wraps ErrAuth.
type Backend interface {
	// Name is "cli" or "go-git".
	Name() string
	// Status reports the state of the work tree at dir.
	Status(ctx context.Context, dir string) (Status, error)
	// Fetch updates the remote-tracking refs of the repository at dir from
	// its upstream remote (origin when the branch has none).
	Fetch(ctx context.Context, dir string, opt FetchOptions) error
	// Pull fetches and then integrates the upstream of the current branch:
	// fast-forward only unless opt.Rebase. It never resets, merges with a
	// merge commit, or discards local work.
	Pull(ctx context.Context, dir string, opt PullOptions) (PullResult, error)
	// Clone clones url into dest, which must not exist or be empty. On
	// failure the caller removes dest; Clone need not clean up.
	Clone(ctx context.Context, url, dest string, opt CloneOptions) error
	// Checkout switches the work tree at dir to a branch, creating it when
	// opt.Create. It never discards local work: when a local change (or an
	// untracked file) sits on a path that differs between the two commits
	// it changes nothing and returns an error wrapping ErrLocalChanges;
	// changes elsewhere are carried over, as git switch does.
	Checkout(ctx context.Context, dir string, opt CheckoutOptions) error
	// Branches lists the local and remote-tracking branches at dir.
	Branches(ctx context.Context, dir string) (Branches, error)
	// Log returns up to n commits reachable from HEAD, newest first, as
	// `git log -n` orders them; none in a repository without commits.
	Log(ctx context.Context, dir string, n int) ([]Commit, error)
	// Changes lists the changed paths of the work tree at dir, sorted by
	// path, as `git status` shows them.
	Changes(ctx context.Context, dir string) ([]FileChange, error)
}

// Credentials authenticate HTTPS transport (basic auth: a token is the
// password). The zero value means "no credentials".
type Credentials struct {
	Username string
	Password string
	// Hint says where these credentials came from and what to do when
	// the remote refuses them (or asks for some when there are none),
	// e.g. "the token of provider work (from the keyring) was rejected by
	// github.com: run mgit login --name work". Never a secret; the engine
	// shows it instead of the generic advice of an authentication failure.
	Hint string
	// Host is the host (host or host:port, as in a URL) the credentials
	// were issued for. When set, a backend sends them to no URL on another
	// host: the URL git fetches from is the repository's to choose
	// (branch.<b>.remote, url.<x>.insteadOf), and may not be the one the
	// token was looked up by.
	Host string
}

// ForURL reports whether the credentials may be sent to rawURL: always
// when they name no Host, else only when rawURL's host is Host (compared
// as workspace.ParseRemote writes hosts: lower case, the scheme's default
// port dropped).
func (c Credentials) ForURL(rawURL string) bool {
	if c.Host == "" {
		return true
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := URLHost(u)
	return host != "" && strings.EqualFold(host, c.Host)
}

// IsZero reports whether no credentials are set.
func (c Credentials) IsZero() bool { return c.Username == "" && c.Password == "" }

// String never reveals the secret, so Credentials can be logged by mistake
// without leaking it.
func (c Credentials) String() string {
	if c.IsZero() {
		return "credentials(none)"
	}
	return "credentials(" + c.Username + ":***)"
}

// GoString keeps %#v from printing the password.
func (c Credentials) GoString() string { return c.String() }

// Progress is one transfer progress report, e.g. {"Receiving objects", 45, 100}.
type Progress struct {
	Phase   string
	Current int64
	Total   int64 // 0 when unknown
}

// ProgressFunc receives progress reports. It may be called often and from the
// goroutine running the operation; it must not block.
type ProgressFunc func(Progress)

// FetchOptions configures Fetch.
type FetchOptions struct {
	Auth     Credentials
	Progress ProgressFunc
	// Prune removes remote-tracking refs whose branch is gone upstream, so
	// Status can report "upstream gone".
	Prune bool
	// StallTimeout > 0 fails the transfer with ErrStalled when it moves
	// less than LowSpeedBytes a second for that long (HTTP(S) transports).
	StallTimeout time.Duration
}

// LowSpeedBytes is the transfer rate, in bytes a second, below which a
// transfer counts as stalled (see FetchOptions.StallTimeout).
const LowSpeedBytes = 1000

// PullOptions configures Pull.
type PullOptions struct {
	Auth     Credentials
	Progress ProgressFunc
	// Rebase replays local commits onto the upstream instead of refusing a
	// pull that is not a fast-forward. Backends that cannot rebase return an
	// error wrapping ErrUnsupported.
	Rebase bool
	// StallTimeout > 0 fails the transfer with ErrStalled when it moves
	// less than LowSpeedBytes a second for that long (HTTP(S) transports).
	StallTimeout time.Duration
}

// PullResult says what a pull changed.
type PullResult struct {
	// Updated is false when the branch was already up to date.
	Updated bool
	// From and To are the commit IDs of HEAD before and after.
	From, To string
}

// CloneOptions configures Clone.
type CloneOptions struct {
	Auth     Credentials
	Progress ProgressFunc
	// Depth > 0 makes a shallow clone with that many commits.
	Depth int
	// Branch checks out this branch instead of the remote's default.
	Branch string
	// Mirror makes a bare mirror (git clone --mirror): every ref of the
	// remote, no work tree, and a fetch refspec (+refs/*:refs/*) so that a
	// later Fetch with Prune keeps it an exact copy. Branch is ignored.
	Mirror bool
	// StallTimeout > 0 fails the transfer with ErrStalled when it moves
	// less than LowSpeedBytes a second for that long (HTTP(S) transports).
	StallTimeout time.Duration
	// SizeHint is the repository's size in bytes as a provider's listing
	// reported it (0: unknown). Backends need not read it; one that picks
	// a way of cloning by size does (app's clone backend).
	SizeHint int64
}

// Commit identifies one commit for display.
type Commit struct {
	SHA     string
	Subject string
	Author  string
	Time    time.Time
}

// Status is the state of one work tree.
type Status struct {
	// Branch is the checked-out branch (short name); empty when Detached.
	Branch   string
	Detached bool
	// NoCommits is true in a repository whose branch has no commits yet.
	NoCommits bool
	// Upstream is the tracking ref, e.g. "origin/main"; empty when the branch
	// tracks nothing.
	Upstream string
	// UpstreamGone is true when the branch is configured to track a ref that
	// no longer exists (deleted upstream and pruned).
	UpstreamGone bool
	// Ahead and Behind count commits relative to Upstream.
	Ahead, Behind int
	// AheadBehindCapped is true when HEAD and Upstream differ but the
	// commits between them could not be counted (more than the walk reads,
	// or history the in-process reader cannot read): Ahead and Behind are
	// then zero and say nothing, and the state is "out-of-sync".
	AheadBehindCapped bool
	// Staged counts paths with changes in the index, Unstaged paths with
	// changes in the work tree only, Untracked new paths not ignored,
	// Conflicts unmerged paths. A path modified in both index and work tree
	// counts in Staged and Unstaged.
	Staged, Unstaged, Untracked, Conflicts int
	// Stash is the number of stash entries.
	Stash int
	// Head is the last commit on HEAD; zero when NoCommits.
	Head Commit
}

// Dirty reports whether the work tree has any local change.
func (s Status) Dirty() bool {
	return s.Staged+s.Unstaged+s.Untracked+s.Conflicts > 0
}

// State names the most important thing about the repository, for tables and
// for the "state" field of machine output. In order of precedence:
// conflict, dirty, out-of-sync (differs from upstream, not counted),
// diverged, ahead, behind, detached, no-commits, upstream-gone, no-upstream,
// clean.
func (s Status) State() string {
	switch {
	case s.Conflicts > 0:
		return "conflict"
	case s.Dirty():
		return "dirty"
	case s.AheadBehindCapped:
		return "out-of-sync"
	case s.Ahead > 0 && s.Behind > 0:
		return "diverged"
	case s.Ahead > 0:
		return "ahead"
	case s.Behind > 0:
		return "behind"
	case s.Detached:
		return "detached"
	case s.NoCommits:
		return "no-commits"
	case s.UpstreamGone:
		return "upstream-gone"
	case s.Upstream == "":
		return "no-upstream"
	default:
		return "clean"
	}
}

// NeedsAttention reports whether a person should look at the repository:
// anything but a clean, tracking branch with no stash.
func (s Status) NeedsAttention() bool {
	return s.State() != "clean" || s.Stash > 0
}
