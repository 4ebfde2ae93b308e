package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/mgit-dev/mgit/engine/redact"
)

// Bitbucket Data Center (and Server) REST API 1.0
// (docs.atlassian.com/bitbucket-server/rest): paged responses
// {"values": [...], "isLastPage": false, "nextPageStart": 25, ...}, the next
// page asked for with ?start=nextPageStart.
//
// Mapping: a Data Center project is the top level (there is nothing above
// it), so the project key is Repo.Org and Repo.Project is empty; queries
// are two-level like GitHub's ("PRJ/repo", "~alice/*"), and the layout is
// <host>/<KEY>/<repo>. Personal repositories have the key "~user".
//
// The repository list does not carry the default branch; asking for it
// would cost one request per repository, so DefaultBranch is left empty
// (git uses the remote HEAD when cloning). Size and last push are not in
// the list either.
type bitbucketDC struct {
	name string
	c    *client
}

func newBitbucketDCAt(cfg Config, api string) (*bitbucketDC, error) {
	// HTTP access tokens are bearer tokens; with a user, the token is a
	// password or token for basic auth.
	auth := bearerAuth(cfg.Token)
	if cfg.User != "" {
		auth = basicAuth(cfg.User, cfg.Token)
	}
	c, err := newClient(cfg, api, auth)
	if err != nil {
		return nil, err
	}
	return &bitbucketDC{name: cfg.Name, c: c}, nil
}

func (b *bitbucketDC) Name() string { return b.name }
func (b *bitbucketDC) Kind() string { return KindBitbucket }

type bbdcPage struct {
	Values        []bbdcRepo `json:"values"`
	IsLastPage    bool       `json:"isLastPage"`
	NextPageStart *int       `json:"nextPageStart"`
}

type bbdcRepo struct {
	Slug    string `json:"slug"`
	Name    string `json:"name"`
	Public  bool   `json:"public"`
	Project struct {
		Key    string `json:"key"`
		Public bool   `json:"public"`
	} `json:"project"`
	Archived bool `json:"archived"` // Bitbucket 8.0 and later
	Links    struct {
		Clone []bbLink `json:"clone"`
	} `json:"links"`
	Origin json.RawMessage `json:"origin"`
}

func (b *bitbucketDC) repo(r bbdcRepo) Repo {
	https, ssh := cloneLinks(r.Links.Clone, "http")
	return Repo{
		Provider: b.name,
		Kind:     KindBitbucket,
		Host:     repoHost(https, urlHost(b.c.base)),
		Org:      r.Project.Key,
		Name:     r.Slug,
		FullName: r.Project.Key + "/" + r.Slug,
		CloneURL: https,
		SSHURL:   ssh,
		Archived: r.Archived,
		Fork:     isFork(r.Origin),
		Private:  !r.Public && !r.Project.Public,
	}
}

// List lists one project's repositories for a literal org segment, else
// every repository the credential can see (/repos) and matches locally.
func (b *bitbucketDC) List(ctx context.Context, q Query) ([]Repo, error) {
	first := "/repos?limit=100"
	if q.OrgIsLiteral() {
		// Project keys are upper case; the query is case-insensitive.
		// Personal projects ("~user") keep the user name as given.
		key := q.Org
		if !strings.HasPrefix(key, "~") {
			key = strings.ToUpper(key)
		}
		first = "/projects/" + url.PathEscape(key) + "/repos?limit=100"
	}
	var raw []bbdcRepo
	next := func(resp *response) (string, error) {
		var p bbdcPage
		if err := decodeJSON(resp, &p); err != nil || p.IsLastPage {
			return "", err
		}
		if p.NextPageStart == nil {
			return "", fmt.Errorf("%s: not the last page but no nextPageStart: %w", redact.URL(resp.URL.String()), ErrBadResponse)
		}
		return first + "&start=" + strconv.Itoa(*p.NextPageStart), nil
	}
	err := b.c.pages(ctx, first, next, func(resp *response) error {
		var p bbdcPage
		if err := decodeJSON(resp, &p); err != nil {
			return err
		}
		raw = append(raw, p.Values...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s on %s: %w", q, b.name, b.notFound(err, q.OrgIsLiteral()))
	}
	var out []Repo
	for _, r := range raw {
		if repo := b.repo(r); q.Match(repo) {
			out = append(out, repo)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].FullName) < strings.ToLower(out[j].FullName) })
	return out, nil
}

// Validate makes an authenticated request and reads the user name Data
// Center reports in X-AUSERNAME. A server allowing anonymous access
// answers without it, which means the credential was not used.
func (b *bitbucketDC) Validate(ctx context.Context) (Identity, error) {
	resp, err := b.c.get(ctx, "/repos?limit=1")
	if err != nil {
		return Identity{}, fmt.Errorf("validate %s: %w", b.name, b.notFound(err, false))
	}
	login := resp.Header.Get("X-AUSERNAME")
	if login == "" {
		return Identity{}, fmt.Errorf("validate %s: the server answered anonymously (no X-AUSERNAME): %w", b.name, ErrUnauthorized)
	}
	if l, err := url.PathUnescape(login); err == nil {
		login = l
	}
	return Identity{Login: login}, nil
}

// notFound explains a 404 from Data Center. Where the API itself should
// answer (/repos), the URL is not a Data Center server — often it is
// Bitbucket Cloud given as a URL; for a project's repositories, the
// project may not exist too.
func (b *bitbucketDC) notFound(err error, project bool) error {
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	hint := "no Bitbucket Data Center REST API at " + redact.URL(b.c.base.String())
	if project {
		hint = "no such project, or " + hint
	}
	return fmt.Errorf("%w (%s; for Bitbucket Cloud leave --url out or give %s)", err, hint, bbCloudAPI)
}
