package app

import (
	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/secure"
)

// Credential routing lives in engine/credroute; this file wires it to the
// configuration and the credential store.

// credentials builds the engine's credential source for this invocation:
// every configured provider as an account (its git host and git user from
// engine/provider's kind table), its token from the store (registered with
// the redactor there), MGIT_TOKEN for the other hosts.
func (c *Factory) credentials() *credroute.Router {
	cfg := c.conf.cfg
	byName := make(map[string]config.Provider, len(cfg.Providers))
	accounts := make([]credroute.Account, 0, len(cfg.Providers))
	for _, p := range cfg.Providers {
		byName[p.Name] = p
		accounts = append(accounts, credroute.Account{Name: p.Name, GitHost: p.GitHost(), GitUser: p.GitUser(),
			Org: p.Org, Owners: p.Owners, EnvVar: secure.EnvName(p.Name)})
	}
	if tok := c.getenv(credroute.EnvToken); tok != "" {
		c.conf.red.Register(tok)
	}
	store := c.conf.store
	token := func(a credroute.Account) (string, string, error) {
		tok, err := store.Lookup(ref(byName[a.Name]))
		return tok.Value, tok.Source, err
	}
	return credroute.New(credroute.Config{Accounts: accounts, Default: cfg.DefaultProvider,
		Token: token, Fallback: credroute.FromEnv(c.getenv)})
}

// The router tells accounts on one host apart.
var _ engine.RepoCredentialSource = (*credroute.Router)(nil)
