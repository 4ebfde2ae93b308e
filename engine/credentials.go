package engine

import "github.com/mgit-dev/mgit/engine/git"

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
