package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// GitLab REST API v4 (docs.gitlab.com/api): projects of a group and its
// subgroups, of a user namespace, or every project the user is a member
// of. Offset pages announce the next one in X-Next-Page; keyset pages in a
// Link rel="next" header.
const (
	glDefaultURL = "https://gitlab.com"
	glPerPage    = "per_page=100"
	// glReadScope is the narrowest token scope that can list projects.
	glReadScope = "read_api"
)

type gitLab struct {
	name string
	c    *client
}

// newGitLab builds GitLab.com (URL empty) or a self-managed instance; the
// URL may be the instance ("https://gitlab.example.com") or its API
// ("…/api/v4").
func newGitLab(cfg Config) (Provider, error) {
	base := strings.TrimRight(cfg.URL, "/")
	if base == "" {
		base = glDefaultURL
	}
	if !strings.HasSuffix(base, "/api/v4") {
		base += "/api/v4"
	}
	p, err := newGitLabAt(cfg, base)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return p, nil
}

func newGitLabAt(cfg Config, api string) (*gitLab, error) {
	var auth func(http.Header)
	if tok := cfg.Token; tok != "" {
		// Personal, project and group access tokens all go in
		// PRIVATE-TOKEN; OAuth tokens would be Bearer.
		auth = func(h http.Header) { h.Set("PRIVATE-TOKEN", tok) }
	}
	c, err := newClient(cfg, api, auth)
	if err != nil {
		return nil, err
	}
	return &gitLab{name: cfg.Name, c: c}, nil
}

func (g *gitLab) Name() string { return g.name }
func (g *gitLab) Kind() string { return KindGitLab }

// glProject is the part of GitLab's project representation mgit reads.
type glProject struct {
	Path              string `json:"path"`
	Name              string `json:"name"`
	PathWithNamespace string `json:"path_with_namespace"`
	Namespace         struct {
		FullPath string `json:"full_path"`
	} `json:"namespace"`
	HTTPURL          string    `json:"http_url_to_repo"`
	SSHURL           string    `json:"ssh_url_to_repo"`
	DefaultBranch    string    `json:"default_branch"`
	Archived         bool      `json:"archived"`
	ForkedFrom       *struct{} `json:"forked_from_project"`
	Visibility       string    `json:"visibility"`
	LastActivityAt   time.Time `json:"last_activity_at"`
	RepositoryAccess string    `json:"repository_access_level"`
	Statistics       *struct {
		RepositorySize int64 `json:"repository_size"`
	} `json:"statistics"`
}

// repo maps a project: Org is the top-level namespace, Project the
// subgroup path below it ("" for projects directly in a group or a user
// namespace), Name the path (the slug), never the display name.
func (g *gitLab) repo(p glProject) Repo {
	ns := p.Namespace.FullPath
	if ns == "" {
		if i := strings.LastIndex(p.PathWithNamespace, "/"); i >= 0 {
			ns = p.PathWithNamespace[:i]
		}
	}
	org, sub, _ := strings.Cut(ns, "/")
	out := Repo{
		Provider:      g.name,
		Kind:          KindGitLab,
		Host:          repoHost(p.HTTPURL, urlHost(g.c.base)),
		Org:           org,
		Project:       sub,
		Name:          p.Path,
		CloneURL:      withoutUserinfo(p.HTTPURL),
		SSHURL:        p.SSHURL,
		DefaultBranch: p.DefaultBranch,
		Archived:      p.Archived,
		Fork:          p.ForkedFrom != nil,
		Disabled:      p.RepositoryAccess == "disabled",
		Private:       p.Visibility != "public",
		PushedAt:      p.LastActivityAt,
	}
	if p.Statistics != nil {
		out.Size = p.Statistics.RepositorySize
	}
	out.FullName = org + "/" + p.Path
	if sub != "" {
		out.FullName = org + "/" + sub + "/" + p.Path
	}
	return out
}

// List: a literal org is a group (with all its subgroups) or, when no
// such group exists, a user namespace; a glob lists the user's membership
// projects (keyset-paged) and matches locally.
func (g *gitLab) List(ctx context.Context, q Query) ([]Repo, error) {
	var raw []glProject
	var err error
	if q.OrgIsLiteral() {
		raw, err = g.projects(ctx, "/groups/"+url.PathEscape(q.Org)+"/projects?include_subgroups=true&"+glPerPage)
		if errors.Is(err, ErrNotFound) {
			raw, err = g.projects(ctx, "/users/"+url.PathEscape(q.Org)+"/projects?"+glPerPage)
			if errors.Is(err, ErrNotFound) {
				err = fmt.Errorf("no group or user %q: %w", q.Org, err)
			}
		}
	} else {
		raw, err = g.projects(ctx, "/projects?membership=true&pagination=keyset&order_by=id&sort=asc&"+glPerPage)
	}
	if err != nil {
		return nil, fmt.Errorf("list %s on %s: %w", q, g.name, g.explain(err))
	}
	var out []Repo
	for _, p := range raw {
		if repo := g.repo(p); q.Match(repo) {
			out = append(out, repo)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].FullName) < strings.ToLower(out[j].FullName) })
	return out, nil
}

func (g *gitLab) projects(ctx context.Context, first string) ([]glProject, error) {
	return pagedJSON[glProject](ctx, g.c, first, glNext)
}

// glNext follows X-Next-Page (offset pagination: the same URL with the
// next page number) or else Link rel="next" (keyset pagination, and
// offset pages on servers that omit X-Next-Page).
func glNext(resp *response) (string, error) {
	if n := strings.TrimSpace(resp.Header.Get("X-Next-Page")); n != "" {
		u := *resp.URL
		v := u.Query()
		v.Set("page", n)
		u.RawQuery = v.Encode()
		return u.String(), nil
	}
	return linkRel(resp.Header.Values("Link"), "next"), nil
}

// explain names the scope a 403 insufficient_scope answer is about.
func (g *gitLab) explain(err error) error {
	var he *HTTPError
	if errors.As(err, &he) && he.Status == http.StatusForbidden && strings.Contains(he.Message, "higher privileges") {
		return fmt.Errorf("%w (the token needs the %s scope)", err, glReadScope)
	}
	return err
}

// Validate asks /user who the token is, then (GitLab 15.5+) which scopes
// it carries: a token that can read the user but not the API (read_user
// only) would fail every List, so it is refused here naming read_api.
func (g *gitLab) Validate(ctx context.Context) (Identity, error) {
	var u struct {
		Username string `json:"username"`
	}
	if _, err := g.c.getJSON(ctx, "/user", &u); err != nil {
		return Identity{}, fmt.Errorf("validate %s: %w", g.name, g.explain(err))
	}
	id := Identity{Login: u.Username}
	var self struct {
		Scopes []string `json:"scopes"`
	}
	// Older servers, OAuth tokens and some token types cannot answer;
	// then the scopes stay unknown.
	if _, err := g.c.getJSON(ctx, "/personal_access_tokens/self", &self); err == nil && self.Scopes != nil {
		id.Scopes = self.Scopes
		if !slices.Contains(self.Scopes, "api") && !slices.Contains(self.Scopes, glReadScope) {
			return id, fmt.Errorf("validate %s: token scopes %s do not include %s (or api), needed to list projects: %w",
				g.name, strings.Join(self.Scopes, ", "), glReadScope, ErrForbidden)
		}
	}
	return id, nil
}
