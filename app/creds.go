package app

import (
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// Environment variables read for credentials.
const (
	envToken    = "MGIT_TOKEN"
	envUsername = "MGIT_USERNAME"
	// defaultUsername is accepted by GitHub, GitLab, Gitea and Azure DevOps
	// when the password is a token.
	defaultUsername = "x-access-token"
)

// envCredentials hands the token from MGIT_TOKEN to the engine for every
// HTTPS host. It is the only credential source until the credential store
// exists; the token goes nowhere but the engine (never argv, URL, config or
// output).
type envCredentials struct {
	cred git.Credentials
}

func (e envCredentials) Credentials(string) (git.Credentials, bool) {
	return e.cred, !e.cred.IsZero()
}

// credentialsFromEnv returns the engine's credential source, or nil when
// MGIT_TOKEN is unset so the engine runs without credentials. (A nil
// interface, not a typed nil, so the engine's nil check works.)
func credentialsFromEnv(getenv func(string) string) engine.CredentialSource {
	token := getenv(envToken)
	if token == "" {
		return nil
	}
	user := getenv(envUsername)
	if user == "" {
		user = defaultUsername
	}
	return envCredentials{cred: git.Credentials{Username: user, Password: token}}
}
