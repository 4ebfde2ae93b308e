package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// giteaPageSize is the page size asked for; servers may cap it lower
// (MAX_RESPONSE_ITEMS, 50 by default).
const giteaPageSize = 50

// gitea lists repositories from a Gitea or Forgejo instance.
type gitea struct {
	name string
	c    *client
	host string
}

func newGitea(cfg Config) (Provider, error) {
	if cfg.URL == "" {
		return nil, fmt.Errorf("provider %s: gitea needs the instance URL (e.g. https://gitea.example.com)", cfg.Name)
	}
	api := strings.TrimRight(cfg.URL, "/")
	if !strings.HasSuffix(api, "/api/v1") {
		api += "/api/v1"
	}
	c, err := newClient(cfg, api, tokenAuth(cfg.Token))
	if err != nil {
		return nil, err
	}
	return &gitea{name: cfg.Name, c: c, host: urlHost(c.base)}, nil
}

func (g *gitea) Name() string { return g.name }
func (g *gitea) Kind() string { return KindGitea }

// giteaRepo is the part of Gitea's Repository object mgit keeps.
type giteaRepo struct {
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
	Private       bool       `json:"private"`
	Empty         bool       `json:"empty"`
	Size          int64      `json:"size"` // KB
	UpdatedAt     *time.Time `json:"updated_at"`
}

// List uses /orgs/{org}/repos for a literal org, else (404) the user's
// own listing when org is the authenticated user, else /users/{org}/repos;
// a glob org lists /user/repos and filters, which needs a token.
func (g *gitea) List(ctx context.Context, q Query) ([]Repo, error) {
	if q.Project != "" && q.Project != "*" && !hasGlob(q.Project) {
		return nil, nil
	}
	if !q.OrgIsLiteral() {
		if g.c.auth == nil {
			return nil, errGlobNeedsToken(q, g.name)
		}
		return g.list(ctx, "/user/repos", q)
	}
	org := url.PathEscape(q.Org)
	repos, err := g.list(ctx, "/orgs/"+org+"/repos", q)
	if !errors.Is(err, ErrNotFound) {
		return repos, err
	}
	if g.c.auth != nil {
		id, verr := g.Validate(ctx)
		if verr != nil {
			return nil, fmt.Errorf("list %s: %w", q, verr)
		}
		if strings.EqualFold(id.Login, q.Org) {
			return g.list(ctx, "/user/repos", q)
		}
	}
	repos, err = g.list(ctx, "/users/"+org+"/repos", q)
	if err != nil {
		return nil, fmt.Errorf("list %s: no such organisation or user: %w", q, err)
	}
	return repos, nil
}

func (g *gitea) list(ctx context.Context, path string, q Query) ([]Repo, error) {
	raw, err := pagedJSON[giteaRepo](ctx, g.c, path+"?limit="+strconv.Itoa(giteaPageSize)+"&page=1", giteaNext())
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

// giteaNext follows Link rel="next"; without one (older servers, or a
// proxy dropping it) it stops at X-Total-Count, or at an empty page.
func giteaNext() nextFunc {
	seen := 0
	return func(resp *response) (string, error) {
		if next := linkRel(resp.Header.Values("Link"), "next"); next != "" {
			return next, nil
		}
		if len(resp.Header.Values("Link")) > 0 {
			return "", nil // a Link header without next: the last page
		}
		var items []struct{}
		if err := decodeJSON(resp, &items); err != nil {
			return "", err
		}
		seen += len(items)
		if len(items) == 0 {
			return "", nil
		}
		if total, err := strconv.Atoi(resp.Header.Get("X-Total-Count")); err == nil && seen >= total {
			return "", nil
		}
		q := resp.URL.Query()
		page, _ := strconv.Atoi(q.Get("page"))
		if page < 1 {
			page = 1
		}
		q.Set("page", strconv.Itoa(page+1))
		u := *resp.URL
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
}

func (g *gitea) repo(r giteaRepo) Repo {
	org := r.Owner.Login
	if org == "" {
		org, _, _ = strings.Cut(r.FullName, "/")
	}
	repo := Repo{
		Provider: g.name, Kind: KindGitea, Host: repoHost(r.CloneURL, g.host),
		Org: org, Name: r.Name, FullName: org + "/" + r.Name,
		CloneURL: r.CloneURL, SSHURL: r.SSHURL,
		Archived: r.Archived, Fork: r.Fork, Private: r.Private, Size: r.Size * 1024,
	}
	if !r.Empty {
		repo.DefaultBranch = r.DefaultBranch
	}
	if r.UpdatedAt != nil {
		repo.PushedAt = *r.UpdatedAt
	}
	return repo
}

// Validate asks GET /api/v1/user whose token this is. Gitea does not
// report token scopes in a header.
func (g *gitea) Validate(ctx context.Context) (Identity, error) {
	var u struct {
		Login string `json:"login"`
	}
	if _, err := g.c.getJSON(ctx, "/user", &u); err != nil {
		if errors.Is(err, ErrForbidden) {
			return Identity{}, fmt.Errorf("validate: %w (the token needs the read:user scope)", err)
		}
		return Identity{}, fmt.Errorf("validate: %w", err)
	}
	if u.Login == "" {
		return Identity{}, fmt.Errorf("validate: GET /user: %w: no login", ErrBadResponse)
	}
	return Identity{Login: u.Login}, nil
}
