package credroute

import (
	"strings"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
)

// Environment variables of the fallback credential.
const (
	// EnvToken is the token for the git host of the provider the
	// environment or the configuration names, when that provider has no
	// token of its own.
	EnvToken = "MGIT_TOKEN"
	// EnvUsername is the user name sent with it (default
	// provider.DefaultGitUser).
	EnvUsername = "MGIT_USERNAME"
	// EnvProviderKind and EnvProviderURL name the provider of the
	// environment (sync's --provider-kind and --provider-url): its git
	// host is where MGIT_TOKEN may go without a configured provider.
	EnvProviderKind = "MGIT_PROVIDER"
	EnvProviderURL  = "MGIT_PROVIDER_URL"
)

// envCredentials hands the token from MGIT_TOKEN to the engine, for the
// git host of the environment's provider only (hosts); a Router also
// gives it to its accounts' hosts (anyHost). No provider naming a host
// means no host gets it: a repository URL on a foreign host must not
// receive the token. The token goes nowhere but the engine (never argv,
// URL, config or output).
type envCredentials struct {
	cred  git.Credentials
	hosts []string // git hosts (git.URLHost form, lower case)
}

func (e envCredentials) Credentials(host string) (git.Credentials, bool) {
	for _, h := range e.hosts {
		if strings.EqualFold(h, host) {
			return e.anyHost(host)
		}
	}
	return git.Credentials{Hint: envTokenNotForHostHint(host)}, false
}

// anyHost is the credential for a host the caller vouches for (a
// configured provider's).
func (e envCredentials) anyHost(host string) (git.Credentials, bool) {
	c := e.cred
	c.Hint = envTokenHint(host)
	return c, true
}

// FromEnv returns the MGIT_TOKEN credential source, or nil when MGIT_TOKEN
// is unset. (A nil interface, not a typed nil, so the engine's nil check
// works.) On its own it answers only the git host of MGIT_PROVIDER (the
// kind's public host, or MGIT_PROVIDER_URL's); as a Router's fallback,
// also the configured providers' hosts.
func FromEnv(getenv func(string) string) engine.CredentialSource {
	token := getenv(EnvToken)
	if token == "" {
		return nil
	}
	user := getenv(EnvUsername)
	if user == "" {
		user = provider.DefaultGitUser
	}
	e := envCredentials{cred: git.Credentials{Username: user, Password: token}}
	kind := strings.ToLower(strings.TrimSpace(getenv(EnvProviderKind)))
	if k, ok := provider.LookupKind(kind); ok {
		if h := k.GitHostOf(strings.TrimSpace(getenv(EnvProviderURL))); h != "" {
			e.hosts = append(e.hosts, strings.ToLower(h))
		}
	}
	return e
}
