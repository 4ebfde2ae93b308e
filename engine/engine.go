package engine

import (
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git"
)

// CredentialSource finds the HTTPS credentials for a remote host. The secure
// package's store satisfies it; main wires it in. ok is false when there are
// none, and the operation then runs without credentials; the value may then
// still carry a Hint (what to do when the remote asks for some).
type CredentialSource interface {
	Credentials(host string) (cred git.Credentials, ok bool)
}

// Observer is told about operations as they start and finish; telemetry's
// metrics satisfy it. Calls must be cheap and must not block.
type Observer interface {
	OpStarted(op Op)
	OpFinished(op Op, outcome Outcome, d time.Duration)
}

// RetryPolicy bounds retries of transient network failures.
type RetryPolicy struct {
	// Attempts is the total number of tries (1 = no retry). Default 3.
	Attempts int
	// Base is the first backoff; each retry doubles it, capped at Max,
	// and waits a random 50–100% of that (backoff.Delay). Defaults 500ms
	// and 10s.
	Base, Max time.Duration
}

// Config configures an Engine. Zero values get sensible defaults.
type Config struct {
	Backend git.Backend
	// NetworkConcurrency fixes how many clone/fetch/pull run at once
	// (--concurrency). 0, with PerHost 0, makes it adaptive per host
	// within Adaptive (see limit.go): the default.
	NetworkConcurrency int
	// DiskConcurrency bounds concurrent status (default 2×NumCPU, min 4).
	DiskConcurrency int
	// PerHost fixes the concurrent network operations against one host
	// (default NetworkConcurrency; 8 when only PerHost is set).
	PerHost int
	// Adaptive bounds adaptive network concurrency (default 4 per host to
	// start, at most 32).
	Adaptive AdaptiveLimit
	// Timeout bounds one attempt of a network operation (default 10m);
	// StatusTimeout one status (default 1m).
	Timeout, StatusTimeout time.Duration
	Retry                  RetryPolicy
	Credentials            CredentialSource // may be nil
	Observer               Observer         // may be nil
	Logger                 zerolog.Logger   // zero value logs nothing
	// NoProgress says no consumer shows transfer progress (headless
	// output, sync): backends are then not asked for it, which spares git
	// a few percent of work on both ends of every transfer, and no
	// OpProgress events are sent.
	NoProgress bool
	// EventBuffer is the capacity of the event channel (default 1024).
	EventBuffer int
	// LockWait bounds how long an operation that changes a repository
	// waits for another mgit working on the same repository (default
	// 10m); then it fails with git.ErrLocked.
	LockWait time.Duration
	// LockDir holds the repository lock files (default DefaultLockDir()).
	LockDir string
	// StallTimeout: a transfer that moves less than 1 KiB/s for this
	// long fails with git.ErrStalled instead of holding its slot until
	// Timeout (default 60s).
	StallTimeout time.Duration
	// MaxWait bounds how long a retry waits when the server asked for it
	// with Retry-After (429, 503); a longer wait fails the operation
	// instead (default 1m; negative: never wait).
	MaxWait time.Duration
	// HostFailures is how many connection failures in a row make a host
	// count as down: its remaining operations in the run then fail at
	// once with git.ErrHostDown (default 5; negative disables).
	HostFailures int
	// SecretEnv reports environment variables holding secrets (the
	// providers' token variables; secure.SecretEnv): OpExec's commands
	// run without them, and without any MGIT_* variable.
	SecretEnv func(name string) bool
}
