package app

import (
	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
)

// Credential routing lives in engine/credroute; this file wires it to the
// configuration and the credential store.
const (
	envToken = credroute.EnvToken
	// defaultUsername is the user name sent with MGIT_TOKEN by default.
	defaultUsername = provider.DefaultGitUser
	// sharedHostHelp is the credential rule, in the help of the commands
	// that fetch.
	sharedHostHelp = "\n\n" + credroute.Help
)

// credentialsFromEnv returns the MGIT_TOKEN credential source, or nil when
// MGIT_TOKEN is unset.
func credentialsFromEnv(getenv func(string) string) engine.CredentialSource {
	return credroute.FromEnv(getenv)
}

// providerCredentials is the engine's credential source for this
// invocation: credroute's Router over the configured providers.
type providerCredentials struct {
	*credroute.Router
}

// learn maps the git host of a listed repository to the provider that
// listed it (credroute.Router.Learn); cfg is not needed any more and is
// kept for the call sites.
func (pc *providerCredentials) learn(_ *config.Config, r provider.Repo) { pc.Learn(r) }

// credentials builds the engine's credential source for this invocation:
// every configured provider as an account (its git host and git user from
// engine/provider's kind table), its token from the store (registered with
// the redactor there), MGIT_TOKEN for the other hosts.
func (c *cli) credentials() *providerCredentials {
	cfg := c.conf.cfg
	byName := make(map[string]config.Provider, len(cfg.Providers))
	accounts := make([]credroute.Account, 0, len(cfg.Providers))
	for _, p := range cfg.Providers {
		byName[p.Name] = p
		accounts = append(accounts, credroute.Account{Name: p.Name, GitHost: p.GitHost(), GitUser: p.GitUser(),
			Org: p.Org, Owners: p.Owners, EnvVar: secure.EnvName(p.Name)})
	}
	if tok := c.getenv(envToken); tok != "" {
		c.conf.red.Register(tok)
	}
	store := c.conf.store
	token := func(a credroute.Account) (string, string, error) {
		tok, err := store.Lookup(ref(byName[a.Name]))
		return tok.Value, tok.Source, err
	}
	return &providerCredentials{credroute.New(credroute.Config{Accounts: accounts, Default: cfg.DefaultProvider,
		Token: token, Fallback: credentialsFromEnv(c.getenv)})}
}

// gitHost is where a provider's repositories are cloned from (the kind
// table's host, or its self-hosted URL's).
func gitHost(p config.Provider) string { return p.GitHost() }

// providerCredentials tells accounts on one host apart.
var _ engine.RepoCredentialSource = (*providerCredentials)(nil)
