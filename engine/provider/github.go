package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"
)

const gitHubAPI = "https://api.github.com"

// gitHub lists repositories from GitHub or GitHub Enterprise Server.
type gitHub struct {
	name string
	c    *client
	host string // git host for clone URLs when a repo does not say

	mu    sync.Mutex
	login string // the authenticated user, once asked
}

func newGitHub(cfg Config) (Provider, error) {
	api := gitHubAPI
	if cfg.URL != "" {
		api = strings.TrimRight(cfg.URL, "/")
		if u, err := url.Parse(api); err == nil { // else newClient names the bad URL
			switch {
			case isGitHubDotCom(u):
				// github.com's web address: its API is api.github.com.
				api = gitHubAPI
			case (u.Path == "" || u.Path == "/") && !strings.HasPrefix(strings.ToLower(u.Host), "api."):
				// "https://ghe.example.com" means its REST API at /api/v3.
				api += "/api/v3"
			}
		}
	}
	c, err := newClient(cfg, api, bearerAuth(cfg.Token))
	if err != nil {
		return nil, err
	}
	c.header.Set("Accept", "application/vnd.github+json")
	c.header.Set("X-GitHub-Api-Version", "2022-11-28")
	// api.github.com → github.com, api.acme.ghe.com → acme.ghe.com; GHE
	// Server serves git and the API (/api/v3) on one host.
	host := strings.TrimPrefix(urlHost(c.base), "api.")
	return &gitHub{name: cfg.Name, c: c, host: host}, nil
}

// isGitHubDotCom: u is github.com's web address (not GHE, not the API).
func isGitHubDotCom(u *url.URL) bool {
	h := strings.ToLower(u.Hostname())
	return h == "github.com" || h == "www.github.com"
}

func (g *gitHub) Name() string { return g.name }
func (g *gitHub) Kind() string { return KindGitHub }

// gitHubRepo is the part of GitHub's repository object mgit keeps.
type gitHubRepo struct {
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	Owner    struct {
		Login string `json:"login"`
	} `json:"owner"`
	CloneURL      string     `json:"clone_url"`
	SSHURL        string     `json:"ssh_url"`
	DefaultBranch string     `json:"default_branch"`
	Archived      bool       `json:"archived"`
	Fork          bool       `json:"fork"`
	Disabled      bool       `json:"disabled"`
	Private       bool       `json:"private"`
	Size          int64      `json:"size"` // KB
	PushedAt      *time.Time `json:"pushed_at"`
}

// userReposPath lists what the credential's user owns, collaborates on
// and sees through org membership, private repositories included.
const userReposPath = "/user/repos?per_page=100&affiliation=owner,collaborator,organization_member"

// List uses /orgs/{org}/repos for a literal org, falling back to the
// user's repositories when org is the authenticated user (to include
// private ones) or /users/{org}/repos for other users; a glob (or no) org
// lists /user/repos and filters, which needs a token: anonymously it is
// refused.
func (g *gitHub) List(ctx context.Context, q Query) ([]Repo, error) {
	if q.Project != "" && q.Project != "*" && !hasGlob(q.Project) {
		return nil, nil // two-level: no repository has a project
	}
	if !q.OrgIsLiteral() {
		if g.c.auth == nil {
			return nil, errGlobNeedsToken(q, g.name)
		}
		return g.list(ctx, userReposPath, q)
	}
	org := url.PathEscape(q.Org)
	repos, err := g.list(ctx, "/orgs/"+org+"/repos?per_page=100&type=all", q)
	if !errors.Is(err, ErrNotFound) {
		return repos, err
	}
	if g.c.auth != nil {
		login, verr := g.viewer(ctx)
		if verr != nil {
			return nil, fmt.Errorf("list %s: %w", q, verr)
		}
		if strings.EqualFold(login, q.Org) {
			return g.list(ctx, userReposPath, q)
		}
	}
	repos, err = g.list(ctx, "/users/"+org+"/repos?per_page=100&type=owner", q)
	if err != nil {
		return nil, fmt.Errorf("list %s: no such organisation or user: %w", q, err)
	}
	return repos, nil
}

func (g *gitHub) list(ctx context.Context, first string, q Query) ([]Repo, error) {
	raw, err := pagedJSON[gitHubRepo](ctx, g.c, first, linkNext)
	if err != nil {
		return nil, err
	}
	out := make([]Repo, 0, len(raw))
	for _, r := range raw {
		repo := g.repo(r)
		if q.Match(repo) {
			out = append(out, repo)
		}
	}
	return out, nil
}

func (g *gitHub) repo(r gitHubRepo) Repo {
	org := r.Owner.Login
	if org == "" {
		org, _, _ = strings.Cut(r.FullName, "/")
	}
	repo := Repo{
		Provider: g.name, Kind: KindGitHub, Host: repoHost(r.CloneURL, g.host),
		Org: org, Name: r.Name, FullName: org + "/" + r.Name,
		CloneURL: r.CloneURL, SSHURL: r.SSHURL, DefaultBranch: r.DefaultBranch,
		Archived: r.Archived, Fork: r.Fork, Disabled: r.Disabled, Private: r.Private,
		Size: r.Size * 1024,
	}
	if r.PushedAt != nil {
		repo.PushedAt = *r.PushedAt
	}
	return repo
}

// Validate asks GET /user whose token this is and which classic scopes it
// carries (X-OAuth-Scopes; fine-grained tokens send none).
func (g *gitHub) Validate(ctx context.Context) (Identity, error) {
	var u struct {
		Login string `json:"login"`
	}
	resp, err := g.c.getJSON(ctx, "/user", &u)
	if err != nil {
		if errors.Is(err, ErrForbidden) {
			return Identity{}, fmt.Errorf("validate: %w (a classic token needs the repo scope, or read:user at least; "+
				"a fine-grained token needs read access to metadata of the repositories)", err)
		}
		return Identity{}, fmt.Errorf("validate: %w", err)
	}
	if u.Login == "" {
		return Identity{}, fmt.Errorf("validate: GET /user: %w: no login", ErrBadResponse)
	}
	id := Identity{Login: u.Login}
	if h, ok := resp.Header["X-Oauth-Scopes"]; ok {
		id.Scopes = []string{}
		for _, s := range strings.Split(strings.Join(h, ","), ",") {
			if s = strings.TrimSpace(s); s != "" {
				id.Scopes = append(id.Scopes, s)
			}
		}
		if !hasScope(id.Scopes, "repo") {
			id.Warning = "classic token without the repo scope: private repositories will not be listed or cloned"
		}
	}
	g.mu.Lock()
	g.login = u.Login
	g.mu.Unlock()
	return id, nil
}

// viewer is the authenticated user's login, asked once.
func (g *gitHub) viewer(ctx context.Context) (string, error) {
	g.mu.Lock()
	login := g.login
	g.mu.Unlock()
	if login != "" {
		return login, nil
	}
	id, err := g.Validate(ctx)
	return id.Login, err
}

func hasScope(scopes []string, want string) bool {
	for _, s := range scopes {
		if s == want {
			return true
		}
	}
	return false
}
