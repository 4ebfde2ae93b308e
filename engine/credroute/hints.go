package credroute

import (
	"fmt"
	"strings"
)

// Help is the credential rule for a git host that several configured
// providers serve, for the help of the commands that fetch.
const Help = `Credentials: a provider's token goes to its own git host only, and
MGIT_TOKEN to a configured provider's host (when that provider has no
token) or to MGIT_PROVIDER's; other hosts get no token (with no provider
configured or named at all, MGIT_TOKEN goes to every HTTPS host). When
several providers serve one host (two accounts on github.com), a repository
a provider listed gets that provider's token, and one found on disk the
token of the provider whose org or owners (in the configuration) name the
first segment of its remote's path (github.com/ACME/repo), else the
default provider's. A token that is refused names its provider, where it came from and the fix.`

// The hints below travel with a credential (git.Credentials.Hint) and are
// what the engine shows when the remote refuses it: they name where the
// refused token came from and the one thing that fixes it there. A fixed
// "set MGIT_TOKEN" sends people to the wrong place when the token came
// from a provider's keyring item or from a variable that overrides it.
// None holds a secret: sources are variable names and keyring backends.

// providerTokenHint is for a's own token, from source ("env
// MGIT_TOKEN_WORK", "keyring file", "credential helper git").
func providerTokenHint(a Account, source, host string) string {
	login := "mgit login --name " + a.Name
	switch {
	case strings.HasPrefix(source, "env "):
		v := strings.TrimPrefix(source, "env ")
		return fmt.Sprintf("the token of provider %s (from $%s) was rejected by %s: put a valid token in %s, or unset it and run %s",
			a.Name, v, host, v, login)
	case strings.HasPrefix(source, "keyring "):
		return fmt.Sprintf("the token of provider %s (from the %s keyring) was rejected by %s: run %s",
			a.Name, strings.TrimPrefix(source, "keyring "), host, login)
	case strings.HasPrefix(source, "credential helper "):
		return fmt.Sprintf("the token of provider %s (from %s) was rejected by %s: renew it there, or run %s",
			a.Name, source, host, login)
	}
	return fmt.Sprintf("the token of provider %s was rejected by %s: run %s", a.Name, host, login)
}

// providerFallbackHint is for MGIT_TOKEN sent because a has no token.
func providerFallbackHint(a Account, host string) string {
	return fmt.Sprintf("provider %s has no token, and $%s was rejected by %s: run mgit login --name %s (or set %s)",
		a.Name, EnvToken, host, a.Name, a.EnvVar)
}

// providerNoTokenHint is for no credentials at all on a's host.
func providerNoTokenHint(a Account, host string) string {
	return fmt.Sprintf("provider %s has no token for %s: run mgit login --name %s (or set %s)",
		a.Name, host, a.Name, a.EnvVar)
}

// envTokenHint is for MGIT_TOKEN on a host no provider serves.
func envTokenHint(host string) string {
	return fmt.Sprintf("$%s was rejected by %s: set it to a token that can read this repository, or configure a provider for %s with mgit login --provider KIND --name NAME --url https://%s",
		EnvToken, host, host, host)
}

// envTokenNotForHostHint is for a host no provider names while MGIT_TOKEN
// is set: the token is not sent there.
func envTokenNotForHostHint(host string) string {
	return fmt.Sprintf("$%s is sent only to the git host of a configured provider (or of $%s), and %s is none: configure a provider for it with mgit login --provider KIND --name NAME --url https://%s, or set %s to its kind (and %s to https://%s if self-hosted)",
		EnvToken, EnvProviderKind, host, host, EnvProviderKind, EnvProviderURL, host)
}

// noCredentialsHint is for a host no provider serves, without MGIT_TOKEN.
func noCredentialsHint(host string) string {
	return fmt.Sprintf("no credentials for %s: run mgit login --provider KIND --name NAME --url https://%s, or set %s",
		host, host, EnvToken)
}

// foreignListingHint is for a repository a listed on another host than
// its own, which gets no token at all.
func foreignListingHint(a Account, host string) string {
	return fmt.Sprintf("provider %s listed this repository on %s, not on its own host, and mgit sends no token there: clone it from %s's host, or configure a provider for %s",
		a.Name, host, a.Name, host)
}
