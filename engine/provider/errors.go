package provider

import "errors"

// Classified provider failures; errors from List and Validate wrap one of
// these when the cause is known, so callers can turn them into a state
// ("needs credentials", "rate limited") and exit codes (3 for auth).
var (
	ErrUnauthorized = errors.New("credential rejected")
	ErrForbidden    = errors.New("access denied")
	ErrNotFound     = errors.New("not found")
	ErrRateLimited  = errors.New("rate limited")
	ErrBadResponse  = errors.New("unexpected response")
)
