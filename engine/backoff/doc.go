// Package backoff is the one retry delay of mgit: the engine's retries of
// network operations (clone, fetch, pull) and the provider client's
// retries of API requests wait the same way. It was two functions that
// disagreed about jitter (one added up to 50% on top and lost all jitter
// at the cap, the other took 50–100% of the capped delay); this keeps the
// second, whose retries stay spread even at the cap.
package backoff
