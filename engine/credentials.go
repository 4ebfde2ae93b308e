package engine

import (
	"errors"

	"github.com/mgit-dev/mgit/engine/git"
)

// RepoCredentialSource is an optional extension of CredentialSource for
// sources that can tell accounts apart on one host (two GitHub providers,
// "work" and "personal", both cloning from github.com): the engine asks it
// first, with the whole repository (Repo.Provider says which account
// listed it), and asks Credentials(host) only when it answers ok=false.
// ok=true with zero credentials is a definite "none": the repository runs
// without credentials and no lookup by host follows (a listing that names
// a foreign host must not pick up a token that host would get by name).
type RepoCredentialSource interface {
	CredentialsFor(repo Repo) (cred git.Credentials, ok bool)
}

// hintedError is an authentication failure with the credential's own hint
// (git.Credentials.Hint): git.Hint, and so every presenter, shows it
// instead of the generic advice.
type hintedError struct {
	err  error
	hint string
}

func (e *hintedError) Error() string { return e.err.Error() }
func (e *hintedError) Unwrap() error { return e.err }
func (e *hintedError) Hint() string  { return e.hint }

// withCredentialHint attaches hint to err when err is an authentication
// failure: only then is the credential the cause worth naming.
func withCredentialHint(err error, hint string) error {
	if hint == "" || !errors.Is(err, git.ErrAuth) {
		return err
	}
	return &hintedError{err: err, hint: hint}
}
