package provider

import (
	"errors"
	"fmt"
)

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

// errGlobNeedsToken is the answer to a glob org on a provider that finds
// the orgs through the credential's user (GitHub, Gitea) when it has none:
// asking anonymously would only come back as a rejected credential.
func errGlobNeedsToken(q Query, name string) error {
	return fmt.Errorf("list %s on %s: a glob org needs a token (run mgit login --name %s, or name the org): %w",
		q, name, name, ErrUnauthorized)
}
