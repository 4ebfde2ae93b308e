package credroute

import (
	"net"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// Account is one configured provider as the routing sees it.
type Account struct {
	// Name is the configured provider name (compared ignoring case).
	Name string
	// GitHost is where its repositories are cloned from, as git.URLHost
	// writes hosts (provider.KindInfo.GitHostOf); an account without one
	// gets no host's lookups.
	GitHost string
	// GitUser is the basic-auth user git sends with its token
	// (provider.KindInfo.GitUserFor).
	GitUser string
	// Org and Owners are the first segments of the remote paths whose
	// repositories its token is for (asked only on a shared host).
	Org    string
	Owners []string
	// EnvVar is the variable that overrides its token (MGIT_TOKEN_WORK),
	// named in hints.
	EnvVar string
}

// Owns reports whether owner (the first segment of a remote's path) is
// a's org or one of its owners; case-insensitive, as the services compare.
func (a Account) Owns(owner string) bool {
	if owner == "" {
		return false
	}
	if strings.EqualFold(a.Org, owner) {
		return true
	}
	for _, o := range a.Owners {
		if strings.EqualFold(o, owner) {
			return true
		}
	}
	return false
}

// TokenFunc looks up an account's token: its value and where it came from
// ("env MGIT_TOKEN_WORK", "keyring file", "credential helper git"). It is
// called at most once per account; registering the value with a redactor
// is its job.
type TokenFunc func(Account) (value, source string, err error)

// Config is what a Router routes between.
type Config struct {
	// Accounts are the configured providers in the file's order.
	Accounts []Account
	// Default names the default provider ("" or unknown: none): it comes
	// first wherever the order decides.
	Default string
	// Token looks an account's token up. Required.
	Token TokenFunc
	// Fallback answers hosts no account serves (FromEnv); may be nil.
	Fallback engine.CredentialSource
}

// Router answers the engine's credential lookups from the accounts. A
// repository listed by a provider (Repo.Provider, set by clone QUERY and
// sync) gets that provider's token, so two accounts on one host ("work"
// and "personal" on github.com) each clone with their own. Otherwise the
// lookup is by host: a host belongs to the account whose git host it is
// (github.com, dev.azure.com, the self-hosted URL's host…, or a host
// learned from its listing), and gets its token, or MGIT_TOKEN when it has
// none. Other hosts get MGIT_TOKEN only when it is MGIT_PROVIDER's host,
// or when no account is configured at all (see envCredentials). Tokens
// are looked up on first use, once per account.
type Router struct {
	token    TokenFunc
	fallback engine.CredentialSource // may be nil

	mu     sync.Mutex
	byHost map[string]Account
	// ordered is every account with a git host, the default first, then
	// in the file's order.
	ordered []Account
	// byName is those accounts by lower-cased name.
	byName map[string]Account
	// apiHost is each account's hostname (no port): a learned git host
	// must share it, so a listing cannot send the token elsewhere.
	apiHost map[string]string
	tokens  map[string]tokenResult
}

type tokenResult struct {
	cred   git.Credentials
	source string
	ok     bool
}

// New builds the router of cfg. When several accounts serve one host, a
// lookup by host alone gets the default's, else the first in the file's.
func New(cfg Config) *Router {
	r := &Router{
		token:    cfg.Token,
		fallback: cfg.Fallback,
		byHost:   map[string]Account{},
		byName:   map[string]Account{},
		apiHost:  map[string]string{},
		tokens:   map[string]tokenResult{},
	}
	ordered := cfg.Accounts
	for _, a := range cfg.Accounts {
		if cfg.Default != "" && strings.EqualFold(a.Name, cfg.Default) {
			ordered = append([]Account{a}, cfg.Accounts...)
			break
		}
	}
	for _, a := range ordered {
		h := strings.ToLower(a.GitHost)
		if h == "" {
			continue
		}
		key := strings.ToLower(a.Name)
		if _, seen := r.byName[key]; seen {
			continue // the default, listed again in the file's order
		}
		if _, taken := r.byHost[h]; !taken {
			r.byHost[h] = a
		}
		r.ordered = append(r.ordered, a)
		r.byName[key] = a
		r.apiHost[key] = hostname(h)
	}
	return r
}

// Learn maps the git host of a listed repository to the account that
// listed it, when it is on the account's own hostname (GitHub Enterprise
// or a test server may serve git on another port than the API).
func (r *Router) Learn(repo provider.Repo) {
	if repo.Host == "" {
		return
	}
	key := strings.ToLower(repo.Provider)
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.byName[key]
	if ok && hostname(strings.ToLower(repo.Host)) == r.apiHost[key] {
		r.byHost[strings.ToLower(repo.Host)] = a
	}
}

// Credentials implements engine.CredentialSource.
func (r *Router) Credentials(host string) (git.Credentials, bool) {
	r.mu.Lock()
	a, ok := r.accountFor(strings.ToLower(host))
	r.mu.Unlock()
	if !ok {
		return r.foreign(host)
	}
	return r.accountCred(a, host)
}

// CredentialsFor implements engine.RepoCredentialSource: a repository
// listed by a configured provider and cloned from that provider's
// hostname gets that provider's token, never another account's; without
// one, the fallback or nothing. A repository that provider listed on any
// other host gets a definite "no credentials" (ok with a zero value), so
// the engine does not go on to ask by host: a hostile or mistaken listing
// must not choose where MGIT_TOKEN, or another provider's token, is sent.
// A repository not listed by a configured provider (found on disk, cloned
// by URL) on a host several providers serve gets the token of the one
// that owns its path (sharedHostAccount); elsewhere it gets no answer
// here, and the engine asks by host.
func (r *Router) CredentialsFor(repo engine.Repo) (git.Credentials, bool) {
	if repo.Host == "" {
		return git.Credentials{}, false
	}
	if repo.Provider == "" {
		a, ok := r.sharedHostAccount(repo)
		if !ok {
			return git.Credentials{}, false
		}
		cred, _ := r.accountCred(a, repo.Host)
		return cred, true
	}
	key := strings.ToLower(repo.Provider)
	r.mu.Lock()
	a, known := r.byName[key]
	onHost := known && hostname(strings.ToLower(repo.Host)) == r.apiHost[key]
	r.mu.Unlock()
	if !known {
		return git.Credentials{}, false
	}
	if !onHost {
		// The listing pointed elsewhere: no token follows it (the same
		// rule as Learn).
		return git.Credentials{Hint: foreignListingHint(a, repo.Host)}, true
	}
	cred, _ := r.accountCred(a, repo.Host)
	return cred, true
}

// sharedHostAccount picks the account of a repository found on disk (or
// cloned by URL) on a git host that several accounts serve: the first,
// default first, whose org or owners name the first segment of the
// remote's path; else the default when it serves the host; else the first
// of them in the file. ok is false when the host is not shared (the
// lookup by host answers then).
func (r *Router) sharedHostAccount(repo engine.Repo) (Account, bool) {
	as := r.accountsOf(strings.ToLower(repo.Host))
	if len(as) < 2 {
		return Account{}, false
	}
	owner := remoteOwner(repo)
	for _, a := range as {
		if a.Owns(owner) {
			return a, true
		}
	}
	return as[0], true
}

// accountsOf is every account serving git at host, the default first:
// those whose git host it is, else those configured on the same hostname
// with another port (as accountFor).
func (r *Router) accountsOf(host string) []Account {
	r.mu.Lock()
	defer r.mu.Unlock()
	var exact, sameName []Account
	for _, a := range r.ordered {
		if strings.ToLower(a.GitHost) == host {
			exact = append(exact, a)
		} else if r.apiHost[strings.ToLower(a.Name)] == hostname(host) {
			sameName = append(sameName, a)
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
	rem, err := workspace.ParseRemote(u)
	if err != nil {
		return ""
	}
	owner, _, _ := strings.Cut(strings.Trim(rem.Path, "/"), "/")
	return owner
}

// accountCred is a's token for host with a hint naming where it came
// from; without one, the fallback (or nothing) with a hint naming a.
func (r *Router) accountCred(a Account, host string) (git.Credentials, bool) {
	if cred, source, ok := r.tokenOf(a); ok {
		cred.Hint = providerTokenHint(a, source, host)
		return cred, true
	}
	cred, ok := r.fromFallback(host)
	if ok {
		cred.Hint = providerFallbackHint(a, host)
	} else {
		cred.Hint = providerNoTokenHint(a, host)
	}
	return cred, ok
}

// tokenOf is a's git credential, looked up once per account.
func (r *Router) tokenOf(a Account) (git.Credentials, string, bool) {
	key := strings.ToLower(a.Name)
	// Held across the lookup: concurrent jobs of one account wait for one
	// keyring read instead of racing several.
	r.mu.Lock()
	defer r.mu.Unlock()
	res, done := r.tokens[key]
	if !done {
		if val, source, err := r.token(a); err == nil {
			res = tokenResult{cred: git.Credentials{Username: a.GitUser, Password: val}, source: source, ok: true}
		}
		r.tokens[key] = res
	}
	return res.cred, res.source, res.ok
}

// accountFor finds the account of host: an exact match, else the account
// configured on the same hostname with another port (a server that serves
// its API and git on different ports is one machine). Called with mu held.
func (r *Router) accountFor(host string) (Account, bool) {
	if a, ok := r.byHost[host]; ok {
		return a, true
	}
	name := hostname(host)
	for h, a := range r.byHost {
		if hostname(h) == name && r.apiHost[strings.ToLower(a.Name)] == name {
			return a, true
		}
	}
	return Account{}, false
}

// fromFallback is the fallback's credential for host, a configured
// account's: MGIT_TOKEN goes to the hosts a provider names.
func (r *Router) fromFallback(host string) (git.Credentials, bool) {
	if r.fallback == nil {
		return git.Credentials{Hint: noCredentialsHint(host)}, false
	}
	if e, ok := r.fallback.(envCredentials); ok {
		return e.anyHost(host)
	}
	return r.fallback.Credentials(host)
}

// foreign answers a host no account serves. With accounts configured,
// MGIT_TOKEN goes to their hosts and MGIT_PROVIDER's, not to this one;
// without any, the fallback decides alone (envCredentials.Credentials).
func (r *Router) foreign(host string) (git.Credentials, bool) {
	if r.fallback == nil {
		return git.Credentials{Hint: noCredentialsHint(host)}, false
	}
	if e, ok := r.fallback.(envCredentials); ok && len(r.ordered) > 0 {
		return e.scoped(host)
	}
	return r.fallback.Credentials(host)
}

// hostname drops the port of a host.
func hostname(h string) string {
	if name, _, err := net.SplitHostPort(h); err == nil {
		return name
	}
	return h
}

// Router tells accounts on one host apart.
var _ engine.RepoCredentialSource = (*Router)(nil)
