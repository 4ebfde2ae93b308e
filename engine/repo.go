package engine

import "time"

// Op is an operation the engine can run on a repository.
type Op string

// The operations.
const (
	OpStatus Op = "status"
	OpFetch  Op = "fetch"
	OpPull   Op = "pull"
	OpClone  Op = "clone"
	// OpCheckout switches to Options.Branch, creating it (tracking the
	// remote branch of that name when there is one) with
	// Options.CreateBranch. A disk operation: it never fetches.
	OpCheckout Op = "checkout"
	// OpInspect reads the status, the last Options.LogLimit commits and the
	// changed files, for a detail view.
	OpInspect Op = "inspect"
)

// Network reports whether the operation talks to a remote and so runs in the
// network pool under the per-host limit.
func (o Op) Network() bool { return o == OpFetch || o == OpPull || o == OpClone }

// Repo is one repository the engine works on: on disk, upstream, or both.
type Repo struct {
	// ID is stable and unique within a workspace: the slash-separated path
	// relative to the workspace root (e.g. "github.com/org/repo").
	ID string
	// Path is the absolute directory of the work tree (the clone destination
	// for a repository not yet cloned).
	Path string
	// URL is the remote to clone from; empty for local-only repositories.
	URL string
	// Host is the remote's host, used for the per-host concurrency limit;
	// empty when unknown.
	Host string
	// Provider is the configured provider the repository was discovered
	// through (for logs and traces); empty for repositories found on disk.
	Provider string
	// Size is the repository's size in bytes as the provider's listing
	// reported it; 0 when unknown (found on disk, a URL list, an API that
	// does not say). Only a hint: clone passes it to the backend.
	Size int64
	// Kind is how a repository found on disk was recognised: "repo" (a
	// .git directory), "worktree" (a linked worktree of another
	// repository), "submodule"; empty when not known.
	Kind string
}

// Outcome is the result class of one finished operation.
type Outcome string

// The outcomes.
const (
	OutcomeOK      Outcome = "ok"
	OutcomeFailed  Outcome = "failed"
	OutcomeSkipped Outcome = "skipped"
)

// UpdateMode says what clone does when the destination already exists.
type UpdateMode string

// The update modes.
const (
	// UpdateSkip leaves an existing destination alone (result "skipped").
	UpdateSkip UpdateMode = "skip"
	// UpdatePull fast-forwards an existing clone of the same remote.
	UpdatePull UpdateMode = "pull"
	// UpdateForce replaces an existing clone with a fresh one, but refuses
	// when it holds local changes, stashes or unpushed commits unless
	// Options.DiscardLocalChanges is set.
	UpdateForce UpdateMode = "force"
)

// Duration helpers keep the zero value meaningful in Config.
func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
