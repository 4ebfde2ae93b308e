// Package engine is mgit's domain: it turns a Plan (repositories × operations)
// into git work run concurrently through a git.Backend, and reports everything
// that happens as an ordered stream of Events.
//
// The engine is the single source of truth. The dashboard (ui) and the
// headless presenter (ui/headless) only consume its events; neither runs git
// itself. The engine imports nothing of ui, secure or telemetry: it declares
// the small interfaces it needs (CredentialSource, Observer) and main wires
// implementations in.
//
// Concurrency: network operations (clone, fetch, pull) and disk operations
// (status, checkout, inspect, exec) run in separate pools, network work additionally
// limited per host: by default adaptively (limit.go: from 4, growing while
// throughput grows, falling on 429s, failures and rising latency, within
// 1..32), or fixed by Config.NetworkConcurrency. Every value chosen is a
// NetworkLimit event and an info log line (limitnet.go).
// Transient network failures are retried with exponential backoff and jitter;
// authentication failures are never retried. Cancelling the context stops
// every git process and leaves each repository as it was or as git left it
// whole: clones land atomically through a temporary sibling directory.
//
// Cancellation outcomes: operations still waiting for a worker finish as
// skipped with Detail "cancelled"; running ones finish as failed with an
// error wrapping context.Canceled; either way Summary.Interrupted is set and
// the exit code is 130. Retry backoff waits end at once on cancellation.
//
// Pool slots are held during a retry's backoff: a host that is failing is
// thereby throttled instead of being hit by the next queued repositories.
// A server's Retry-After is honoured up to Config.MaxWait, and a host with
// Config.HostFailures network failures in a row fails the run's remaining
// operations against it at once (breaker.go).
//
// Nothing is lost (localwork.go, trash.go): --update-mode force refuses a
// clone holding anything a fresh clone would not restore, and a replaced
// clone is moved to <root>/.mgit/trash, never deleted. Operations that
// change a repository take its advisory lock (lock.go), so two mgit
// processes on one workspace queue instead of failing on git's locks.
//
// exec (exec.go) runs a user's command in each work tree: in a process
// group of its own that cancellation kills whole (as git's), with the
// user's environment minus every MGIT_* variable and Config.SecretEnv's,
// its output capped per repository, and the repository lock held shared,
// so commands run side by side but never beside an operation that changes
// the repository.
package engine
