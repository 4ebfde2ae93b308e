package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/engine/redact"
)

// Azure DevOps REST API, as documented at
// learn.microsoft.com/rest/api/azure/devops (Core: Projects - List; Git:
// Repositories - List). Services lives at https://dev.azure.com/{org};
// Server at a collection URL (https://ado.example.com/tfs/DefaultCollection).
const (
	adoServicesRoot = "https://dev.azure.com"
	adoServicesHost = "dev.azure.com"
	// adoProfileRoot is Services' identity service, where a user's
	// organisations are listed (Profiles - Get, Accounts - List). It is
	// Azure DevOps' own host: the PAT goes there as it goes to
	// dev.azure.com, and nowhere else.
	adoProfileRoot = "https://app.vssps.visualstudio.com"
	adoAPIVersion  = "api-version=7.1"
	// adoProjectWorkers bounds concurrent per-project repository requests.
	adoProjectWorkers = 4
)

type azureDevOps struct {
	name string
	c    *client
	// profile is the client of adoProfileRoot (Services only), for
	// listing the user's organisations.
	profile *client
	// services: the API root is https://dev.azure.com and every path
	// starts with /{org}; otherwise the client's base is the collection.
	services bool
	// org is the default organisation: Config.Org, the org of a
	// dev.azure.com URL, or for Server the collection name.
	org  string
	host string
}

func newAzureDevOps(cfg Config) (Provider, error) {
	root, services, org := adoServicesRoot, true, cfg.Org
	if cfg.URL != "" {
		u, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("provider %s: bad Azure DevOps URL %q", cfg.Name, cfg.URL)
		}
		if strings.EqualFold(u.Hostname(), adoServicesHost) {
			// "https://dev.azure.com/myorg" names the org, not a collection.
			if org == "" {
				org, _, _ = strings.Cut(strings.Trim(u.Path, "/"), "/")
			}
		} else {
			root, services = u.String(), false
			if org == "" {
				org = adoCollectionName(u)
			}
		}
	}
	p, err := newAzureDevOpsAt(cfg, root, services, org)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return p, nil
}

// newAzureDevOpsAt builds the provider on an explicit root: the Services
// root (tests point it at a fake server) or a Server collection.
func newAzureDevOpsAt(cfg Config, root string, services bool, org string) (*azureDevOps, error) {
	user := cfg.User // a PAT is the password; the user name is ignored
	c, err := newClient(cfg, root, basicAuth(user, cfg.Token))
	if err != nil {
		return nil, err
	}
	host := adoServicesHost
	if !services {
		host = urlHost(c.base)
	}
	a := &azureDevOps{name: cfg.Name, c: c, services: services, org: org, host: host}
	if services {
		// Tests give a fake Services root, which serves the profile API too.
		profileRoot := root
		if root == adoServicesRoot {
			profileRoot = adoProfileRoot
		}
		if a.profile, err = newClient(cfg, profileRoot, basicAuth(user, cfg.Token)); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// adoCollectionName is the last path segment of a collection URL, or the
// first DNS label for a bare host (https://{org}.visualstudio.com).
func adoCollectionName(u *url.URL) string {
	p := strings.Trim(u.Path, "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	if p != "" {
		return p
	}
	label, _, _ := strings.Cut(u.Hostname(), ".")
	return label
}

func (a *azureDevOps) Name() string { return a.name }
func (a *azureDevOps) Kind() string { return KindAzureDevOps }

// prefix is the escaped path of org's API under the client's base: the
// org on Services, nothing on Server (the base is the collection).
func (a *azureDevOps) prefix(org string) string {
	if a.services {
		return "/" + url.PathEscape(org)
	}
	return ""
}

// orgsFor picks the organisations a query is about. On Server the
// collection is the one organisation. On Services a literal org is itself;
// a glob is matched against the organisations the PAT's user belongs to,
// listed by the profile service — which needs a PAT for "all accessible
// organizations". A PAT scoped to one organisation cannot list them: the
// glob is then matched against the default org alone, and without one the
// error says what to do.
func (a *azureDevOps) orgsFor(ctx context.Context, q Query) ([]string, error) {
	if !a.services {
		if matchSegment(q.Org, a.org) {
			return []string{a.org}, nil
		}
		return nil, nil
	}
	if q.OrgIsLiteral() {
		return []string{q.Org}, nil
	}
	all, err := a.organisations(ctx)
	if err != nil {
		if a.org == "" || ctx.Err() != nil {
			return nil, fmt.Errorf("list %s on %s: listing your organisations: %w (name the organisation in the query, "+
				"configure a default org, or use a PAT for all accessible organizations)", q, a.name, err)
		}
		all = nil
	}
	var out []string
	seen := map[string]bool{}
	for _, o := range append(all, a.org) {
		if o != "" && !seen[strings.ToLower(o)] && matchSegment(q.Org, o) {
			seen[strings.ToLower(o)] = true
			out = append(out, o)
		}
	}
	return out, nil
}

// organisations lists the names of the organisations the PAT's user is a
// member of: Profiles - Get (me) for the member id, then Accounts - List.
func (a *azureDevOps) organisations(ctx context.Context) ([]string, error) {
	var me struct {
		ID string `json:"id"`
	}
	resp, err := a.profile.get(ctx, "/_apis/profile/profiles/me?"+adoAPIVersion)
	if err == nil {
		err = adoDecode(resp, &me)
	}
	if err != nil {
		return nil, err
	}
	if me.ID == "" {
		return nil, fmt.Errorf("profile without an id: %w", ErrBadResponse)
	}
	resp, err = a.profile.get(ctx, "/_apis/accounts?memberId="+url.QueryEscape(me.ID)+"&"+adoAPIVersion)
	if err != nil {
		return nil, err
	}
	var accounts adoList[struct {
		AccountName string `json:"accountName"`
	}]
	if err := adoDecode(resp, &accounts); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(accounts.Value))
	for _, acc := range accounts.Value {
		if acc.AccountName != "" {
			names = append(names, acc.AccountName)
		}
	}
	return names, nil
}

// adoProject and adoRepo are the fields mgit reads of TeamProjectReference
// and GitRepository.
type adoProject struct {
	Name       string `json:"name"`
	Visibility string `json:"visibility"`
}

type adoRepo struct {
	Name          string     `json:"name"`
	Project       adoProject `json:"project"`
	RemoteURL     string     `json:"remoteUrl"`
	SSHURL        string     `json:"sshUrl"`
	WebURL        string     `json:"webUrl"`
	DefaultBranch string     `json:"defaultBranch"`
	IsDisabled    bool       `json:"isDisabled"`
	IsFork        bool       `json:"isFork"`
	Size          int64      `json:"size"`
}

// adoList is the {"count": n, "value": [...]} envelope of list responses.
type adoList[T any] struct {
	Count int `json:"count"`
	Value []T `json:"value"`
}

func (a *azureDevOps) repo(org string, r adoRepo) Repo {
	out := Repo{
		Provider:      a.name,
		Kind:          KindAzureDevOps,
		Host:          a.host,
		Org:           org,
		Project:       r.Project.Name,
		Name:          r.Name,
		CloneURL:      withoutUserinfo(r.RemoteURL),
		SSHURL:        r.SSHURL,
		DefaultBranch: strings.TrimPrefix(r.DefaultBranch, "refs/heads/"),
		Fork:          r.IsFork,
		Disabled:      r.IsDisabled,
		Private:       !strings.EqualFold(r.Project.Visibility, "public"),
		Size:          r.Size,
	}
	out.FullName = org + "/" + out.Project + "/" + out.Name
	return out
}

// List lists the repositories of the query's organisation. A literal
// project is asked for directly; a project glob lists the projects
// (x-ms-continuationtoken paging) and then each matching project's
// repositories; no project (or "*") takes the organisation-wide
// repository list, one request for the whole organisation.
func (a *azureDevOps) List(ctx context.Context, q Query) ([]Repo, error) {
	orgs, err := a.orgsFor(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Repo
	for _, org := range orgs {
		repos, err := a.listOrg(ctx, q, org)
		if err != nil {
			// An organisation found by discovery (not named) that refuses
			// the PAT is one it was not made for: PATs are per
			// organisation unless made for all of them.
			if !q.OrgIsLiteral() && !strings.EqualFold(org, a.org) &&
				(errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound)) {
				continue
			}
			return nil, err
		}
		out = append(out, repos...)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].FullName) < strings.ToLower(out[j].FullName) })
	return out, nil
}

// listOrg is List for one organisation.
func (a *azureDevOps) listOrg(ctx context.Context, q Query, org string) ([]Repo, error) {
	var raw []adoRepo
	var err error
	switch {
	case q.ProjectIsLiteral():
		raw, err = a.projectRepos(ctx, org, q.Project)
	case q.Project == "" || q.Project == "*":
		raw, err = a.repos(ctx, a.prefix(org)+"/_apis/git/repositories?"+adoAPIVersion)
	default:
		var projects []string
		if projects, err = a.projects(ctx, org, q.Project); err == nil {
			raw, err = a.reposOf(ctx, org, projects)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("list %s on %s: %w", q, a.name, err)
	}
	var out []Repo
	for _, r := range raw {
		if repo := a.repo(org, r); q.Match(repo) {
			out = append(out, repo)
		}
	}
	return out, nil
}

// projects pages through the organisation's projects and keeps those
// matching glob.
func (a *azureDevOps) projects(ctx context.Context, org, glob string) ([]string, error) {
	first := a.prefix(org) + "/_apis/projects?" + adoAPIVersion + "&$top=100"
	var names []string
	next := func(resp *response) (string, error) {
		tok := resp.Header.Get("X-Ms-Continuationtoken")
		if tok == "" {
			return "", nil
		}
		return first + "&continuationToken=" + url.QueryEscape(tok), nil
	}
	err := a.c.pages(ctx, first, next, func(resp *response) error {
		var page adoList[adoProject]
		if err := adoDecode(resp, &page); err != nil {
			return err
		}
		for _, p := range page.Value {
			if matchSegment(glob, p.Name) {
				names = append(names, p.Name)
			}
		}
		return nil
	})
	return names, err
}

// reposOf lists the repositories of several projects, a few at a time.
func (a *azureDevOps) reposOf(ctx context.Context, org string, projects []string) ([]adoRepo, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make([][]adoRepo, len(projects))
	errs := make([]error, len(projects))
	sem := make(chan struct{}, adoProjectWorkers)
	var wg sync.WaitGroup
	for i, p := range projects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			results[i], errs[i] = a.projectRepos(ctx, org, p)
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The first real failure, not the cancellations it caused.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	var all []adoRepo
	for i := range projects {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, results[i]...)
	}
	return all, nil
}

func (a *azureDevOps) projectRepos(ctx context.Context, org, project string) ([]adoRepo, error) {
	return a.repos(ctx, a.prefix(org)+"/"+url.PathEscape(project)+"/_apis/git/repositories?"+adoAPIVersion)
}

// repos GETs one repository list; the API returns it in one response.
func (a *azureDevOps) repos(ctx context.Context, ref string) ([]adoRepo, error) {
	resp, err := a.c.get(ctx, ref)
	if err != nil {
		return nil, err
	}
	var list adoList[adoRepo]
	if err := adoDecode(resp, &list); err != nil {
		return nil, err
	}
	return list.Value, nil
}

// adoDecode decodes a 2xx body, first recognising the answer Azure DevOps
// gives a rejected PAT on some paths: 203 Non-Authoritative with an HTML
// sign-in page instead of a 401.
func adoDecode(resp *response, v any) error {
	ct := resp.Header.Get("Content-Type")
	if resp.Status == http.StatusNonAuthoritativeInfo || strings.HasPrefix(strings.ToLower(ct), "text/html") {
		return &HTTPError{Method: http.MethodGet, URL: redact.URL(resp.URL.String()), Status: resp.Status,
			Message: "answered with a sign-in page: the personal access token was not accepted", Err: ErrUnauthorized}
	}
	return decodeJSON(resp, v)
}

// adoConnection is the part of _apis/connectionData mgit reads: who the
// credential authenticated as.
type adoConnection struct {
	AuthenticatedUser struct {
		ID                  string `json:"id"`
		ProviderDisplayName string `json:"providerDisplayName"`
		Properties          struct {
			Account struct {
				Value string `json:"$value"`
			} `json:"Account"`
		} `json:"properties"`
	} `json:"authenticatedUser"`
}

// Validate asks the organisation's connectionData who the PAT belongs to.
// Azure DevOps does not report a PAT's scopes; a PAT without Code (Read)
// shows up as ErrForbidden on the first List.
func (a *azureDevOps) Validate(ctx context.Context) (Identity, error) {
	if a.services && a.org == "" {
		return Identity{}, fmt.Errorf("validate %s: the organisation is needed (the PAT is per organisation): %w", a.name, ErrNotFound)
	}
	resp, err := a.c.get(ctx, a.prefix(a.org)+"/_apis/connectionData")
	if err != nil {
		return Identity{}, fmt.Errorf("validate %s: %w", a.name, err)
	}
	var cd adoConnection
	if err := adoDecode(resp, &cd); err != nil {
		return Identity{}, fmt.Errorf("validate %s: %w", a.name, err)
	}
	u := cd.AuthenticatedUser
	login := u.Properties.Account.Value
	if login == "" {
		login = u.ProviderDisplayName
	}
	if login == "" || u.ID == "" || strings.EqualFold(login, "Anonymous") {
		return Identity{}, fmt.Errorf("validate %s: the server treated the request as anonymous: %w", a.name, ErrUnauthorized)
	}
	return Identity{Login: login}, nil
}

// withoutUserinfo drops the "user@" some APIs put in HTTPS clone URLs
// (Azure DevOps "https://org@dev.azure.com/…", Bitbucket
// "https://user@bitbucket.org/…"): mgit supplies credentials itself and a
// user name in the remote would override them.
func withoutUserinfo(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
