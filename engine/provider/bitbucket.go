package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Bitbucket Cloud REST API 2.0 (developer.atlassian.com/cloud/bitbucket/
// rest): workspaces hold repositories; lists are pages of
// {"values": [...], "next": "<absolute URL>"}.
const (
	bbCloudAPI  = "https://api.bitbucket.org/2.0"
	bbCloudHost = "bitbucket.org"
)

// bbScopesHint names what a Bitbucket Cloud credential needs, for a 403.
const bbScopesHint = "app passwords need Account: Read and Repositories: Read; " +
	"API tokens need read:user:bitbucket, read:workspace:bitbucket and read:repository:bitbucket"

// newBitbucket builds Bitbucket Cloud when URL is empty, names
// bitbucket.org / api.bitbucket.org, or is a Cloud API root (its path ends
// in /2.0: Cloud behind a proxy); Bitbucket Data Center otherwise, whose
// REST API is under <URL>/rest/api/1.0. A Data Center answer of 404 where
// the API should be says so and names the Cloud URL (see dcNotFound).
func newBitbucket(cfg Config) (Provider, error) {
	cloud, api := cfg.URL == "", bbCloudAPI
	if !cloud {
		u, err := url.Parse(cfg.URL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("provider %s: bad Bitbucket URL %q (Cloud: leave the URL out; Data Center: the server's base URL)", cfg.Name, cfg.URL)
		}
		h := strings.ToLower(u.Hostname())
		switch {
		case h == "api.bitbucket.org" || h == bbCloudHost:
			cloud = true
		case strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/2.0"):
			cloud, api = true, strings.TrimRight(cfg.URL, "/")
		}
	}
	// Explicit returns: a nil *T in the Provider interface would not be nil.
	if cloud {
		p, err := newBitbucketCloudAt(cfg, api)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	p, err := newBitbucketDCAt(cfg, strings.TrimRight(cfg.URL, "/")+"/rest/api/1.0")
	if err != nil {
		return nil, err
	}
	return p, nil
}

type bitbucketCloud struct {
	name   string
	c      *client
	org    string // default workspace
	bearer bool   // access token (no user): not a user account
}

func newBitbucketCloudAt(cfg Config, api string) (*bitbucketCloud, error) {
	// With a user: app password or API token (whose user is the account
	// e-mail) as basic auth; without: a workspace/repository/project
	// access token as a bearer token.
	auth := bearerAuth(cfg.Token)
	if cfg.User != "" {
		auth = basicAuth(cfg.User, cfg.Token)
	}
	c, err := newClient(cfg, api, auth)
	if err != nil {
		return nil, err
	}
	return &bitbucketCloud{name: cfg.Name, c: c, org: cfg.Org, bearer: cfg.User == ""}, nil
}

func (b *bitbucketCloud) Name() string { return b.name }
func (b *bitbucketCloud) Kind() string { return KindBitbucket }

// bbPage is Bitbucket Cloud's paginated envelope.
type bbPage[T any] struct {
	Values []T    `json:"values"`
	Next   string `json:"next"`
}

type bbLink struct {
	Name string `json:"name"`
	Href string `json:"href"`
}

type bbRepo struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	FullName  string `json:"full_name"`
	Workspace struct {
		Slug string `json:"slug"`
	} `json:"workspace"`
	Links struct {
		Clone []bbLink `json:"clone"`
	} `json:"links"`
	MainBranch *struct {
		Name string `json:"name"`
	} `json:"mainbranch"`
	IsPrivate bool            `json:"is_private"`
	Size      int64           `json:"size"`
	UpdatedOn time.Time       `json:"updated_on"`
	Parent    json.RawMessage `json:"parent"`
}

// bbWorkspaceAccess is an entry of /user/workspaces (and of the older
// /user/permissions/workspaces, which nests the workspace the same way).
type bbWorkspaceAccess struct {
	Workspace struct {
		Slug string `json:"slug"`
	} `json:"workspace"`
}

// cloneLinks picks the HTTPS and SSH clone URLs by their link names.
func cloneLinks(links []bbLink, httpsName string) (https, ssh string) {
	for _, l := range links {
		switch strings.ToLower(l.Name) {
		case httpsName:
			https = withoutUserinfo(l.Href)
		case "ssh":
			ssh = l.Href
		}
	}
	return https, ssh
}

// isFork: parent (Cloud) / origin (Data Center) is present and not null.
func isFork(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s != "" && s != "null"
}

func (b *bitbucketCloud) repo(r bbRepo) Repo {
	org := r.Workspace.Slug
	if org == "" {
		org, _, _ = strings.Cut(r.FullName, "/")
	}
	https, ssh := cloneLinks(r.Links.Clone, "https")
	out := Repo{
		Provider: b.name,
		Kind:     KindBitbucket,
		Host:     repoHost(https, bbCloudHost),
		Org:      org,
		Name:     r.Slug,
		FullName: org + "/" + r.Slug,
		CloneURL: https,
		SSHURL:   ssh,
		Fork:     isFork(r.Parent),
		Private:  r.IsPrivate,
		Size:     r.Size,
		PushedAt: r.UpdatedOn,
	}
	if r.MainBranch != nil {
		out.DefaultBranch = r.MainBranch.Name
	}
	return out
}

// List lists the repositories of the query's workspace, or of every
// workspace the user can access that matches a workspace glob.
func (b *bitbucketCloud) List(ctx context.Context, q Query) ([]Repo, error) {
	workspaces, err := b.workspaces(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list %s on %s: %w", q, b.name, err)
	}
	var out []Repo
	for _, ws := range workspaces {
		var repos []bbRepo
		first := "/repositories/" + url.PathEscape(ws) + "?pagelen=100"
		err := b.c.pages(ctx, first, bbNext, bbValues(&repos))
		if err != nil {
			return nil, fmt.Errorf("list %s on %s: workspace %s: %w", q, b.name, ws, b.explain(err))
		}
		for _, r := range repos {
			if repo := b.repo(r); q.Match(repo) {
				out = append(out, repo)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].FullName) < strings.ToLower(out[j].FullName) })
	return out, nil
}

// workspaces resolves the query's workspace segment. A glob lists the
// user's workspaces; a workspace access token cannot (it is no user), so
// then the configured workspace stands in when it matches.
func (b *bitbucketCloud) workspaces(ctx context.Context, q Query) ([]string, error) {
	if q.OrgIsLiteral() {
		return []string{q.Org}, nil
	}
	all, err := b.userWorkspaces(ctx)
	if err != nil {
		if b.org != "" && (errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)) {
			all = []string{b.org}
		} else {
			return nil, b.explain(err)
		}
	}
	var out []string
	for _, ws := range all {
		if matchSegment(q.Org, ws) {
			out = append(out, ws)
		}
	}
	return out, nil
}

// userWorkspaces lists the workspaces the user can access:
// /user/workspaces, or /user/permissions/workspaces on servers that do not
// have the newer endpoint yet.
func (b *bitbucketCloud) userWorkspaces(ctx context.Context) ([]string, error) {
	var acc []bbWorkspaceAccess
	err := b.c.pages(ctx, "/user/workspaces?pagelen=100", bbNext, bbValues(&acc))
	var he *HTTPError
	if errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusGone) {
		acc = nil
		err = b.c.pages(ctx, "/user/permissions/workspaces?pagelen=100", bbNext, bbValues(&acc))
	}
	if err != nil {
		return nil, fmt.Errorf("list workspaces: %w", err)
	}
	var out []string
	for _, a := range acc {
		if a.Workspace.Slug != "" {
			out = append(out, a.Workspace.Slug)
		}
	}
	return out, nil
}

// bbValues decodes each page of a {"values": [...]} listing into *dst.
func bbValues[T any](dst *[]T) func(*response) error {
	return func(resp *response) error {
		var page bbPage[T]
		if err := decodeJSON(resp, &page); err != nil {
			return err
		}
		*dst = append(*dst, page.Values...)
		return nil
	}
}

// bbNext follows the body's "next" URL (client.pages refuses one that is
// not on the API host).
func bbNext(resp *response) (string, error) {
	var page struct {
		Next string `json:"next"`
	}
	if err := decodeJSON(resp, &page); err != nil {
		return "", err
	}
	return page.Next, nil
}

// explain adds what a Bitbucket Cloud credential needs to a 403.
func (b *bitbucketCloud) explain(err error) error {
	if errors.Is(err, ErrForbidden) && !errors.Is(err, ErrRateLimited) {
		return fmt.Errorf("%w (%s)", err, bbScopesHint)
	}
	return err
}

// Validate asks /user who the credential is. An access token is no user
// account; with a configured workspace it is validated by listing one
// repository of that workspace instead.
func (b *bitbucketCloud) Validate(ctx context.Context) (Identity, error) {
	var u struct {
		Username    string `json:"username"`
		Nickname    string `json:"nickname"`
		DisplayName string `json:"display_name"`
	}
	resp, err := b.c.getJSON(ctx, "/user", &u)
	if err != nil && b.bearer && b.org != "" && (errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden)) {
		if _, err2 := b.c.get(ctx, "/repositories/"+url.PathEscape(b.org)+"?pagelen=1"); err2 == nil {
			return Identity{Login: "access token for " + b.org}, nil
		}
	}
	if err != nil {
		return Identity{}, fmt.Errorf("validate %s: %w", b.name, b.explain(err))
	}
	login := u.Username
	if login == "" {
		login = u.Nickname
	}
	if login == "" {
		login = u.DisplayName
	}
	return Identity{Login: login, Scopes: bbScopes(resp.Header)}, nil
}

// bbScopes reads X-OAuth-Scopes ("a, b" or "a b"); nil when absent.
func bbScopes(h http.Header) []string {
	v := h.Get("X-OAuth-Scopes")
	if v == "" {
		return nil
	}
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
}
