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

// envCredentials hands the token from MGIT_TOKEN to the engine. Where it
// may go: the git host of the environment's provider (hosts, from
// MGIT_PROVIDER), and as a Router's fallback its accounts' hosts
// (anyHost). With a provider named anywhere no other host gets it: a
// repository URL on a foreign host must not receive the token. With none
// named at all (no configuration, no MGIT_PROVIDER) it goes to any host,
// as before: the user set one token and said nothing about where it is
// for (scoped answers that case strictly). The token goes nowhere but the
// engine (never argv, URL, config or output).
type envCredentials struct {
	cred  git.Credentials
	hosts []string // git hosts (git.URLHost form, lower case)
}

func (e envCredentials) Credentials(host string) (git.Credentials, bool) {
	if len(e.hosts) == 0 {
		return e.anyHost(host)
	}
	return e.scoped(host)
}

// scoped is the credential for host only if the environment's provider
// serves it.
func (e envCredentials) scoped(host string) (git.Credentials, bool) {
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
// works.) With MGIT_PROVIDER set it answers only that provider's git host
// (the kind's public host, or MGIT_PROVIDER_URL's); as the fallback of a
// Router with accounts, also their hosts and no other.
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
