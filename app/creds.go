package app

import (
	"net"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/secure"
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

// credentialsFromEnv returns the MGIT_TOKEN credential source, or nil when
// MGIT_TOKEN is unset. (A nil interface, not a typed nil, so the engine's
// nil check works.)
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

// providerCredentials answers the engine's credential lookups from the
// configured providers. A repository listed by a provider (Repo.Provider,
// set by clone QUERY and sync) gets that provider's token, so two accounts
// on one host ("work" and "personal" on github.com) each clone with their
// own. Otherwise the lookup is by host: a host belongs to the provider
// whose git host it is (github.com, dev.azure.com, the self-hosted URL's
// host…, or a host learned from that provider's listing), and gets that
// provider's token. Other hosts fall back to MGIT_TOKEN. Tokens are looked
// up on first use, once per provider, and registered with the redactor by
// the store.
type providerCredentials struct {
	store    *secure.Store
	fallback engine.CredentialSource // may be nil

	mu     sync.Mutex
	byHost map[string]config.Provider
	// ordered is every configured provider, the default first, then in the
	// file's order.
	ordered []config.Provider
	// byName is every configured provider by lower-cased name.
	byName map[string]config.Provider
	// apiHost is each provider's configured hostname (no port): a learned
	// git host must share it, so a listing cannot send the token elsewhere.
	apiHost map[string]string
	tokens  map[string]tokenResult
}

type tokenResult struct {
	cred   git.Credentials
	source string // secure.Token.Source: "env X", "keyring file", …
	ok     bool
}

// credentials builds the engine's credential source for this invocation.
// When several providers serve one host, a repository listed by one of
// them gets its own token, and one found on disk the token of the provider
// whose org or owners name the first segment of its remote's path, else
// the default provider's, else the first in the file's (CredentialsFor); a
// lookup by host alone gets the default's.
func (c *cli) credentials() *providerCredentials {
	pc := &providerCredentials{
		store:    c.conf.store,
		fallback: credentialsFromEnv(c.getenv),
		byHost:   map[string]config.Provider{},
		byName:   map[string]config.Provider{},
		apiHost:  map[string]string{},
		tokens:   map[string]tokenResult{},
	}
	cfg := c.conf.cfg
	ordered := cfg.Providers
	if d, ok := cfg.Find(cfg.DefaultProvider); ok {
		ordered = append([]config.Provider{d}, cfg.Providers...)
	}
	for _, p := range ordered {
		h := gitHost(p)
		if h == "" {
			continue
		}
		key := strings.ToLower(p.Name)
		if _, seen := pc.byName[key]; seen {
			continue // the default, listed again in the file's order
		}
		if _, taken := pc.byHost[h]; !taken {
			pc.byHost[h] = p
		}
		pc.ordered = append(pc.ordered, p)
		pc.byName[key] = p
		pc.apiHost[key] = hostname(h)
	}
	if c.getenv(envToken) != "" {
		c.conf.red.Register(c.getenv(envToken))
	}
	return pc
}

// learn maps the git host of a listed repository to the provider that
// listed it, when it is on the provider's own hostname (GitHub Enterprise
// or a test server may serve git on another port than the API).
func (pc *providerCredentials) learn(cfg *config.Config, r provider.Repo) {
	p, ok := cfg.Find(r.Provider)
	if !ok || r.Host == "" {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if hostname(r.Host) == pc.apiHost[strings.ToLower(p.Name)] {
		pc.byHost[strings.ToLower(r.Host)] = p
	}
}

// Credentials implements engine.CredentialSource.
func (pc *providerCredentials) Credentials(host string) (git.Credentials, bool) {
	pc.mu.Lock()
	p, ok := pc.providerFor(strings.ToLower(host))
	pc.mu.Unlock()
	if !ok {
		return pc.fromFallback(host)
	}
	return pc.providerCred(p, host)
}

// CredentialsFor implements engine.RepoCredentialSource: a repository
// listed by a configured provider and cloned from that provider's
// hostname gets that provider's token, never another account's; without
// one, MGIT_TOKEN or nothing. A repository that provider listed on any
// other host gets a definite "no credentials" (ok with a zero value), so
// the engine does not go on to ask by host: a hostile or mistaken listing
// must not choose where MGIT_TOKEN, or another provider's token, is sent.
// A repository not listed by a configured provider (found on disk, cloned
// by URL) on a host several providers serve gets the token of the one
// that owns its path (sharedHostProvider); elsewhere it gets no answer
// here, and the engine asks by host.
func (pc *providerCredentials) CredentialsFor(repo engine.Repo) (git.Credentials, bool) {
	if repo.Host == "" {
		return git.Credentials{}, false
	}
	if repo.Provider == "" {
		p, ok := pc.sharedHostProvider(repo)
		if !ok {
			return git.Credentials{}, false
		}
		cred, _ := pc.providerCred(p, repo.Host)
		return cred, true
	}
	key := strings.ToLower(repo.Provider)
	pc.mu.Lock()
	p, known := pc.byName[key]
	onHost := known && hostname(strings.ToLower(repo.Host)) == pc.apiHost[key]
	pc.mu.Unlock()
	if !known {
		return git.Credentials{}, false
	}
	if !onHost {
		// The listing pointed elsewhere: no token follows it (the same
		// rule as learn).
		return git.Credentials{Hint: foreignListingHint(p, repo.Host)}, true
	}
	cred, _ := pc.providerCred(p, repo.Host)
	return cred, true
}

// sharedHostProvider picks the provider of a repository found on disk (or
// cloned by URL) on a git host that several configured providers serve:
// the first, default first, whose org or owners name the first segment of
// the remote's path; else the default provider when it serves the host;
// else the first of them in the file. ok is false when the host is not
// shared (the lookup by host answers then).
func (pc *providerCredentials) sharedHostProvider(repo engine.Repo) (config.Provider, bool) {
	ps := pc.providersOf(strings.ToLower(repo.Host))
	if len(ps) < 2 {
		return config.Provider{}, false
	}
	owner := remoteOwner(repo)
	for _, p := range ps {
		if p.Owns(owner) {
			return p, true
		}
	}
	return ps[0], true
}

// providersOf is every provider serving git at host, the default first:
// those whose git host it is, else those configured on the same hostname
// with another port (as providerFor).
func (pc *providerCredentials) providersOf(host string) []config.Provider {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	var exact, sameName []config.Provider
	for _, p := range pc.ordered {
		h := gitHost(p)
		if h == host {
			exact = append(exact, p)
		} else if pc.apiHost[strings.ToLower(p.Name)] == hostname(host) {
			sameName = append(sameName, p)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return sameName
}

// remoteOwner is the first segment of the path of repo's remote (the
// organisation, group or user on every provider), or "".
func remoteOwner(repo engine.Repo) string {
	u := repo.URL
	if u == "" && repo.Path != "" {
		u, _ = workspace.OriginURL(repo.Path)
	}
	r, err := workspace.ParseRemote(u)
	if err != nil {
		return ""
	}
	owner, _, _ := strings.Cut(strings.Trim(r.Path, "/"), "/")
	return owner
}

// providerCred is p's token for host with a hint naming where it came
// from; without one, MGIT_TOKEN (or nothing) with a hint naming p.
func (pc *providerCredentials) providerCred(p config.Provider, host string) (git.Credentials, bool) {
	if cred, source, ok := pc.token(p); ok {
		cred.Hint = providerTokenHint(p, source, host)
		return cred, true
	}
	cred, ok := pc.fromFallback(host)
	if ok {
		cred.Hint = providerFallbackHint(p, host)
	} else {
		cred.Hint = providerNoTokenHint(p, host)
	}
	return cred, ok
}

// token is p's git credential from the store, read once per provider.
func (pc *providerCredentials) token(p config.Provider) (git.Credentials, string, bool) {
	key := strings.ToLower(p.Name)
	// Held across the lookup: concurrent jobs of one provider wait for one
	// keyring read instead of racing several.
	pc.mu.Lock()
	defer pc.mu.Unlock()
	res, done := pc.tokens[key]
	if !done {
		tok, err := pc.store.Lookup(ref(p))
		if err == nil {
			res = tokenResult{cred: git.Credentials{Username: gitUsername(p), Password: tok.Value}, source: tok.Source, ok: true}
		}
		pc.tokens[key] = res
	}
	return res.cred, res.source, res.ok
}

// providerFor finds the provider of host: an exact match, else the
// provider configured on the same hostname with another port (a server
// that serves its API and git on different ports is one machine). Called
// with mu held.
func (pc *providerCredentials) providerFor(host string) (config.Provider, bool) {
	if p, ok := pc.byHost[host]; ok {
		return p, true
	}
	name := hostname(host)
	for h, p := range pc.byHost {
		if hostname(h) == name && pc.apiHost[strings.ToLower(p.Name)] == name {
			return p, true
		}
	}
	return config.Provider{}, false
}

func (pc *providerCredentials) fromFallback(host string) (git.Credentials, bool) {
	if pc.fallback == nil {
		return git.Credentials{Hint: noCredentialsHint(host)}, false
	}
	return pc.fallback.Credentials(host)
}

// gitHost is where a provider's repositories are cloned from, as
// workspace.ParseRemote spells hosts (lower case, default port dropped).
func gitHost(p config.Provider) string {
	if p.URL == "" {
		switch p.Type {
		case provider.KindGitHub:
			return "github.com"
		case provider.KindGitLab:
			return "gitlab.com"
		case provider.KindBitbucket:
			return "bitbucket.org"
		case provider.KindAzureDevOps:
			return "dev.azure.com"
		}
		return ""
	}
	r, err := workspace.ParseRemote(p.URL)
	if err != nil {
		return ""
	}
	// GitHub Enterprise Cloud's API host is api.<name>.ghe.com; git is at
	// <name>.ghe.com.
	if p.Type == provider.KindGitHub {
		return strings.TrimPrefix(r.Host, "api.")
	}
	return r.Host
}

// hostname drops the port of a host.
func hostname(h string) string {
	if name, _, err := net.SplitHostPort(h); err == nil {
		return name
	}
	return h
}

// gitUsername is the basic-auth user git sends with a provider's token.
func gitUsername(p config.Provider) string {
	switch p.Type {
	case provider.KindGitLab:
		return "oauth2"
	case provider.KindBitbucket:
		if p.User != "" {
			return p.User // app passwords need the account name
		}
		return "x-bitbucket-api-token-auth"
	case provider.KindAzureDevOps:
		if p.User != "" {
			return p.User
		}
		return "pat" // Azure DevOps ignores the user name with a PAT
	}
	if p.User != "" && p.Type == provider.KindGitea {
		return p.User
	}
	return defaultUsername
}

// providerCredentials tells accounts on one host apart.
var _ engine.RepoCredentialSource = (*providerCredentials)(nil)
