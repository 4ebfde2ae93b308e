package engine

import "context"

// Engine runs plans. Create one with New; it is safe for concurrent use.
type Engine struct {
	cfg Config
}

// New returns an engine ready to accept plans.
func New(cfg Config) *Engine { panic("TODO") }

// Events is the one stream every presenter consumes. It is closed by Close.
func (e *Engine) Events() <-chan Event { panic("TODO") }

// Submit enqueues plan and returns its run ID at once; the run's results
// arrive only as events, ending with RunFinished. Cancelling ctx cancels the
// run: every git process stops within a second and the run finishes with
// Summary.Interrupted set.
func (e *Engine) Submit(ctx context.Context, plan Plan) string { panic("TODO") }

// Close waits for every submitted run to finish, then closes Events.
func (e *Engine) Close() { panic("TODO") }
