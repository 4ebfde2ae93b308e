package provider

import (
	"context"
	"net/http"
	"time"
)

// Kinds of provider.
const (
	KindGitHub      = "github"
	KindAzureDevOps = "azuredevops"
	KindBitbucket   = "bitbucket"
	KindGitLab      = "gitlab"
	KindGitea       = "gitea"
)

// Repo is what mgit keeps of an upstream repository.
type Repo struct {
	// Provider is the configured provider's name (e.g. "work-github").
	Provider string
	// Kind is one of the Kind constants.
	Kind string
	// Host is the git host of the clone URL (e.g. "github.com",
	// "dev.azure.com"), used for the layout on disk.
	Host string
	// Org is the organisation, user, workspace or top-level group.
	Org string
	// Project is the Azure DevOps project or the GitLab subgroup path below
	// Org ("a/b" for nested subgroups); empty for two-level providers
	// (GitHub, Gitea, Bitbucket — for Bitbucket Data Center the project key
	// is the Org).
	Project string
	// Name is the repository slug, never the display name.
	Name string
	// FullName is Org/Project/Name (Org/Name when Project is empty).
	FullName string
	// CloneURL is the HTTPS clone URL, SSHURL the SSH one (may be empty).
	CloneURL, SSHURL string
	// DefaultBranch without "refs/heads/"; empty for an empty repository.
	DefaultBranch string
	Archived      bool
	Fork          bool
	Disabled      bool
	Private       bool
	// Size in bytes (0 when the API does not say).
	Size int64
	// PushedAt is the last push (or last activity) time; zero if unknown.
	PushedAt time.Time
}

// Identity is who a credential belongs to, as the provider reports it.
type Identity struct {
	Login string
	// Scopes the token carries, when the provider says (GitHub classic
	// tokens: X-OAuth-Scopes); nil when unknown.
	Scopes []string
	// Warning explains a limitation the credential works with but the
	// user probably did not intend (e.g. a GitHub classic token without
	// the repo scope sees no private repositories); empty when none.
	Warning string
}

// Provider lists repositories of one configured account on one service.
type Provider interface {
	// Name is the configured name; Kind one of the Kind constants.
	Name() string
	Kind() string
	// List returns every repository visible to the credential whose
	// org/project/name match q, paging to the end. Filtering of archived
	// and forked repositories is the caller's business (see Filter).
	List(ctx context.Context, q Query) ([]Repo, error)
	// Validate checks the credential and says whose it is. A rejected
	// credential is an error wrapping ErrUnauthorized; a token lacking a
	// needed scope wraps ErrForbidden and names the scope when it can.
	Validate(ctx context.Context) (Identity, error)
}

// Config configures one provider.
type Config struct {
	// Name is the configured name; Kind one of the Kind constants.
	Name, Kind string
	// URL is the API base for self-hosted servers (GitHub Enterprise
	// "https://ghe.example.com/api/v3", Azure DevOps Server collection URL,
	// Bitbucket Data Center "https://bb.example.com", GitLab and Gitea
	// instance URL). Empty means the public service.
	URL string
	// User is the account name where the service needs one for basic auth
	// (Bitbucket app passwords / API tokens, Azure DevOps optional).
	User string
	// Token is the secret. It is sent only to the API host of URL.
	Token string
	// Org is the default organisation/workspace/group when a query omits
	// it (Azure DevOps needs one: its API is per organisation).
	Org string
	// Client is the HTTP client (nil: a client with sane timeouts).
	// Tests point it at httptest servers.
	Client *http.Client
	// Cache stores listings with their ETags for conditional requests; nil
	// disables caching.
	Cache Cache
	// MaxWait bounds how long a rate limit may make a request wait before
	// it fails with ErrRateLimited (default 1 minute).
	MaxWait time.Duration
	// UserAgent is sent with every request ("mgit/<version>").
	UserAgent string
	// Timeout bounds one HTTP request attempt, body included (default
	// 30s).
	Timeout time.Duration
	// Observe, when set, is told about every HTTP exchange (metrics and
	// logs attach here). It must be cheap, must not block and is called
	// from whichever goroutine made the request.
	Observe func(RequestInfo)
	// RateLimit spaces requests per host (nil: no client-side limit beyond
	// the server's own rate-limit answers). Share one across providers.
	RateLimit *RateLimiter
	// MaxRepos bounds the items one listing may return (0:
	// DefaultMaxRepos); more fail with ErrTooManyRepos.
	MaxRepos int
}

// Cache is the discovery cache: response bodies by request URL, with the
// ETag that makes the next request conditional. Implementations must be
// safe for concurrent use and must never store credentials.
type Cache interface {
	Get(key string) (etag string, body []byte, ok bool)
	Put(key, etag string, body []byte)
}
