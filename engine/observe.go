package engine

import "context"

// OpTracer is an optional extension of Observer: when Config.Observer also
// implements it, the engine calls StartOp as each operation starts running
// (after it got a worker) and the returned end func once it finished. ctx is
// the run's context as given to Submit, so whatever the caller put there —
// a trace span of the run — is the operation's parent. The engine itself
// knows nothing of tracing libraries; telemetry implements this.
type OpTracer interface {
	StartOp(ctx context.Context, op Op, repo Repo, opID string) (end func(Outcome, error))
}

// traceOp starts the operation's span when the observer traces; the result
// is never nil.
func (r *run) traceOp(jb job) func(Outcome, error) {
	if t, ok := r.e.cfg.Observer.(OpTracer); ok {
		if end := t.StartOp(r.ctx, jb.Op, jb.Repo, jb.opID); end != nil {
			return end
		}
	}
	return func(Outcome, error) {}
}

// LimitObserver is an optional extension of Observer: when Config.Observer
// also implements it, the engine reports every network concurrency it
// chooses for a host (as the NetworkLimit event does). provider is the
// configured provider of the repository whose operation caused the choice
// ("" when none): a bounded label, where host is not.
type LimitObserver interface {
	NetworkLimit(host, provider string, limit int)
}
