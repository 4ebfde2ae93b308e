package credroute

import (
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
)

// Environment variables of the fallback credential.
const (
	// EnvToken is the token for HTTPS hosts no configured provider serves.
	EnvToken = "MGIT_TOKEN"
	// EnvUsername is the user name sent with it (default
	// provider.DefaultGitUser).
	EnvUsername = "MGIT_USERNAME"
)

// envCredentials hands the token from MGIT_TOKEN to the engine for every
// HTTPS host that no configured provider claims. The token goes nowhere
// but the engine (never argv, URL, config or output).
type envCredentials struct {
	cred git.Credentials
}

func (e envCredentials) Credentials(host string) (git.Credentials, bool) {
	if e.cred.IsZero() {
		return git.Credentials{Hint: noCredentialsHint(host)}, false
	}
	c := e.cred
	c.Hint = envTokenHint(host)
	return c, true
}

// FromEnv returns the MGIT_TOKEN credential source, or nil when MGIT_TOKEN
// is unset. (A nil interface, not a typed nil, so the engine's nil check
// works.)
func FromEnv(getenv func(string) string) engine.CredentialSource {
	token := getenv(EnvToken)
	if token == "" {
		return nil
	}
	user := getenv(EnvUsername)
	if user == "" {
		user = provider.DefaultGitUser
	}
	return envCredentials{cred: git.Credentials{Username: user, Password: token}}
}
