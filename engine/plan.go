package engine

// Job is one operation on one repository.
type Job struct {
	Repo Repo
	Op   Op
}

// Options tune how a plan's operations run.
type Options struct {
	// Depth > 0 makes clones shallow.
	Depth int
	// UpdateMode decides what clone does with an existing destination;
	// empty means UpdateSkip.
	UpdateMode UpdateMode
	// DiscardLocalChanges lets UpdateForce replace a clone that holds local
	// changes or unpushed commits. Nothing else ever discards local work.
	DiscardLocalChanges bool
	// Rebase makes pull rebase local commits instead of refusing a pull
	// that is not a fast-forward.
	Rebase bool
	// FetchBeforeStatus makes a status job fetch first (network pool).
	FetchBeforeStatus bool
	// DryRun reports what would be done without touching anything.
	DryRun bool
	// Mirror makes clones bare mirrors (see git.CloneOptions.Mirror); fetch
	// then updates every ref. No status is read: a mirror has no work tree.
	Mirror bool
	// Branch is the branch OpCheckout switches to.
	Branch string
	// CreateBranch lets OpCheckout create Branch where it does not exist
	// locally: from the remote-tracking branch of the same name (which it
	// then tracks) when there is one, from HEAD otherwise.
	CreateBranch bool
	// LogLimit is how many commits OpInspect reads (default 10).
	LogLimit int
	// Exec is the command OpExec runs.
	Exec ExecOptions
}

// Plan is the unit of work submitted to the engine.
type Plan struct {
	Jobs    []Job
	Options Options
	// RunID, when not empty, is used as the run's ID instead of a generated
	// one, so a caller can log (e.g. discovery) under the same run_id
	// before submitting. It must be unique among the engine's runs.
	RunID string
}
