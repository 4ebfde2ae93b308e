package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeGitHub serves the documented REST shapes of GitHub Enterprise under
// /api/v3: repository listings paged with Link headers and ETags, /user
// with X-OAuth-Scopes.
type fakeGitHub struct {
	t        *testing.T
	srv      *httptest.Server
	login    string
	scopes   string
	perPage  int
	listings map[string][]map[string]any // path → all repositories
	mu       sync.Mutex
	requests []string // "path?query [conditional]"
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, login: "octocat", scopes: "repo, read:org", perPage: 2, listings: map[string][]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func ghRepo(owner, name string, mods ...func(map[string]any)) map[string]any {
	r := map[string]any{
		"id": 1, "node_id": "x", "name": name, "full_name": owner + "/" + name,
		"owner":          map[string]any{"login": owner, "type": "Organization"},
		"private":        false,
		"html_url":       "https://ghe.example.com/" + owner + "/" + name,
		"clone_url":      "https://ghe.example.com/" + owner + "/" + name + ".git",
		"ssh_url":        "git@ghe.example.com:" + owner + "/" + name + ".git",
		"default_branch": "main", "archived": false, "disabled": false, "fork": false,
		"size": 108, "pushed_at": "2011-01-26T19:06:43Z",
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	cond := ""
	if r.Header.Get("If-None-Match") != "" {
		cond = " [conditional]"
	}
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery+cond)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}`)
		return
	}
	if r.Header.Get("Accept") != "application/vnd.github+json" || r.Header.Get("X-GitHub-Api-Version") != "2022-11-28" ||
		r.Header.Get("User-Agent") == "" {
		f.t.Errorf("request headers: %v", r.Header)
	}
	path := strings.ToLower(strings.TrimPrefix(r.URL.Path, "/api/v3")) // GitHub paths are case-insensitive
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4990")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	if path == "/user" {
		w.Header().Set("X-OAuth-Scopes", f.scopes)
		fmt.Fprintf(w, `{"login":%q,"id":1,"type":"User"}`, f.login)
		return
	}
	repos, ok := f.listings[path]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
		return
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 {
		page = 1
	}
	lo, hi := (page-1)*f.perPage, page*f.perPage
	lo, hi = min(lo, len(repos)), min(hi, len(repos))
	if hi < len(repos) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page+1))
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next", <%s%s?page=99>; rel="last"`,
			f.srv.URL, r.URL.Path, q.Encode(), f.srv.URL, r.URL.Path))
	}
	body, _ := json.Marshal(repos[lo:hi])
	etag := fmt.Sprintf(`W/"%x-%d"`, len(body), page)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

func (f *fakeGitHub) provider(t *testing.T, cfg Config) *gitHub {
	t.Helper()
	cfg.Kind, cfg.Name, cfg.URL, cfg.Client = KindGitHub, "work", f.srv.URL, f.srv.Client()
	if cfg.Token == "" {
		cfg.Token = testToken
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	installFakeClock(p.(*gitHub).c)
	return p.(*gitHub)
}

func (f *fakeGitHub) paths() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]string(nil), f.requests...)
	f.requests = nil
	return out
}

func fullNames(rs []Repo) string {
	var s []string
	for _, r := range rs {
		s = append(s, r.FullName)
	}
	return strings.Join(s, ",")
}

func ghQuery(t *testing.T, s string) Query {
	t.Helper()
	q, err := ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestGitHubListOrgPagesAndMaps(t *testing.T) {
	f := newFakeGitHub(t)
	f.listings["/orgs/acme/repos"] = []map[string]any{
		ghRepo("acme", "api"), ghRepo("acme", "web", func(m map[string]any) { m["archived"] = true }),
		ghRepo("acme", "tool", func(m map[string]any) { m["fork"] = true; m["pushed_at"] = nil }),
		ghRepo("acme", "old", func(m map[string]any) { m["disabled"] = true; m["private"] = true; m["default_branch"] = "trunk" }),
		ghRepo("acme", "api-gateway"),
	}
	p := f.provider(t, Config{})
	repos, err := p.List(context.Background(), ghQuery(t, "ACME"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fullNames(repos); got != "acme/api,acme/web,acme/tool,acme/old,acme/api-gateway" {
		t.Fatalf("repos = %s", got)
	}
	if got := f.paths(); strings.Join(got, " ") != "/api/v3/orgs/ACME/repos?per_page=100&type=all "+
		"/api/v3/orgs/ACME/repos?page=2&per_page=100&type=all /api/v3/orgs/ACME/repos?page=3&per_page=100&type=all" {
		t.Fatalf("requests = %q", got)
	}
	api, old, tool := repos[0], repos[3], repos[2]
	want := Repo{Provider: "work", Kind: KindGitHub, Host: "ghe.example.com", Org: "acme", Name: "api",
		FullName: "acme/api", CloneURL: "https://ghe.example.com/acme/api.git", SSHURL: "git@ghe.example.com:acme/api.git",
		DefaultBranch: "main", Size: 108 * 1024, PushedAt: time.Date(2011, 1, 26, 19, 6, 43, 0, time.UTC)}
	if !api.PushedAt.Equal(want.PushedAt) {
		t.Fatalf("pushed_at %v", api.PushedAt)
	}
	api.PushedAt = want.PushedAt
	if api != want {
		t.Fatalf("api = %+v\nwant  %+v", api, want)
	}
	if !old.Disabled || !old.Private || old.DefaultBranch != "trunk" || !repos[1].Archived || !tool.Fork || !tool.PushedAt.IsZero() {
		t.Fatalf("flags not mapped: %+v %+v", old, tool)
	}
	// Exact repo segment: "api" is not a prefix match for api-gateway.
	repos, err = p.List(context.Background(), ghQuery(t, "acme/api"))
	if err != nil || fullNames(repos) != "acme/api" {
		t.Fatalf("acme/api = %s, %v", fullNames(repos), err)
	}
	// Filtering archived/forks is the caller's.
	if got := fullNames(Filter(repos, FilterOptions{})); got != "acme/api" {
		t.Fatalf("filtered = %s", got)
	}
}

func TestGitHubEmptyOrgAndMissingOrg(t *testing.T) {
	f := newFakeGitHub(t)
	f.listings["/orgs/empty/repos"] = nil
	p := f.provider(t, Config{})
	repos, err := p.List(context.Background(), ghQuery(t, "empty"))
	if err != nil || len(repos) != 0 {
		t.Fatalf("empty org: %v, %v", repos, err)
	}
	_, err = p.List(context.Background(), ghQuery(t, "ghost"))
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no such organisation or user") {
		t.Fatalf("missing org: err = %v", err)
	}
}

func TestGitHubUserFallbacks(t *testing.T) {
	f := newFakeGitHub(t)
	f.listings["/users/someone/repos"] = []map[string]any{ghRepo("someone", "dotfiles")}
	f.listings["/user/repos"] = []map[string]any{
		ghRepo("octocat", "public"), ghRepo("octocat", "secret", func(m map[string]any) { m["private"] = true }),
		ghRepo("acme", "api"), ghRepo("other", "lib"),
	}
	p := f.provider(t, Config{})
	ctx := context.Background()

	repos, err := p.List(ctx, ghQuery(t, "someone"))
	if err != nil || fullNames(repos) != "someone/dotfiles" {
		t.Fatalf("user: %s, %v", fullNames(repos), err)
	}
	f.paths()
	repos, err = p.List(ctx, ghQuery(t, "OctoCat"))
	if err != nil || fullNames(repos) != "octocat/public,octocat/secret" {
		t.Fatalf("own login: %s, %v", fullNames(repos), err)
	}
	// The login was learnt by the previous fallback, so /user is not asked again.
	if got := f.paths(); len(got) != 3 || got[1] != "/api/v3/user/repos?per_page=100&affiliation=owner,collaborator,organization_member" {
		t.Fatalf("own login requests = %q", got)
	}
	repos, err = p.List(ctx, ghQuery(t, "*/[al]*"))
	if err != nil || fullNames(repos) != "acme/api,other/lib" {
		t.Fatalf("glob: %s, %v", fullNames(repos), err)
	}
	if repos, err := p.List(ctx, ghQuery(t, "acme/proj/api")); err != nil || len(repos) != 0 {
		t.Fatalf("three-level query on GitHub: %v, %v", repos, err)
	}
}

func TestGitHubUnauthorized(t *testing.T) {
	f := newFakeGitHub(t)
	p := f.provider(t, Config{Token: "wrong"})
	if _, err := p.List(context.Background(), ghQuery(t, "acme")); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("List err = %v", err)
	}
	_, err := p.Validate(context.Background())
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "Bad credentials") {
		t.Fatalf("Validate err = %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("error shows the token: %v", err)
	}
}

func TestGitHubValidateScopes(t *testing.T) {
	f := newFakeGitHub(t)
	p := f.provider(t, Config{})
	id, err := p.Validate(context.Background())
	if err != nil || id.Login != "octocat" || strings.Join(id.Scopes, "|") != "repo|read:org" || id.Warning != "" {
		t.Fatalf("Validate = %+v, %v", id, err)
	}
	f.scopes = "read:org"
	id, err = p.Validate(context.Background())
	if err != nil || !strings.Contains(id.Warning, "repo scope") {
		t.Fatalf("Validate without repo = %+v, %v", id, err)
	}
}

func TestGitHubConditionalListingFromCache(t *testing.T) {
	f := newFakeGitHub(t)
	f.listings["/orgs/acme/repos"] = []map[string]any{ghRepo("acme", "a"), ghRepo("acme", "b"), ghRepo("acme", "c")}
	p := f.provider(t, Config{Cache: newMemCache()})
	first, err := p.List(context.Background(), ghQuery(t, "acme"))
	if err != nil {
		t.Fatal(err)
	}
	f.paths()
	second, err := p.List(context.Background(), ghQuery(t, "acme"))
	if err != nil || fmt.Sprint(first) != fmt.Sprint(second) {
		t.Fatalf("second = %v, %v\nwant %v", second, err, first)
	}
	got := f.paths()
	if len(got) != 2 || !strings.HasSuffix(got[0], "[conditional]") || !strings.HasSuffix(got[1], "[conditional]") {
		t.Fatalf("second listing requests = %q, want two conditional", got)
	}
}

func TestGitHubHosts(t *testing.T) {
	for _, tc := range []struct{ url, base, host string }{
		{"", "https://api.github.com", "github.com"},
		{"https://ghe.example.com", "https://ghe.example.com/api/v3", "ghe.example.com"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3", "ghe.example.com"},
		{"https://api.acme.ghe.com", "https://api.acme.ghe.com", "acme.ghe.com"},
		// github.com's web address is not a GHE server.
		{"https://github.com", "https://api.github.com", "github.com"},
		{"https://GitHub.com/", "https://api.github.com", "github.com"},
		{"https://www.github.com", "https://api.github.com", "github.com"},
		{"https://ghe.example.com:8443", "https://ghe.example.com:8443/api/v3", "ghe.example.com:8443"},
		{"https://GHE.example.com:443", "https://GHE.example.com:443/api/v3", "ghe.example.com"},
	} {
		p, err := New(Config{Kind: KindGitHub, Name: "x", URL: tc.url})
		if err != nil {
			t.Fatal(err)
		}
		g := p.(*gitHub)
		if g.c.base.String() != tc.base || g.host != tc.host {
			t.Errorf("URL %q: base %s host %s, want %s %s", tc.url, g.c.base, g.host, tc.base, tc.host)
		}
	}
	if _, err := New(Config{Kind: "svn", Name: "x"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

// TestGitHubGlobWithoutToken: a glob org is found through the token's
// user; without a token the listing says so instead of asking /user/repos
// anonymously and reporting a rejected credential.
func TestGitHubGlobWithoutToken(t *testing.T) {
	f := newFakeGitHub(t)
	p, err := New(Config{Kind: KindGitHub, Name: "work", URL: f.srv.URL, Client: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.List(context.Background(), ghQuery(t, "ac*/api"))
	if !errors.Is(err, ErrUnauthorized) ||
		!strings.Contains(err.Error(), "list ac*/api on work: a glob org needs a token (run mgit login --name work, or name the org)") {
		t.Fatalf("err = %v", err)
	}
	if got := f.paths(); len(got) != 0 {
		t.Fatalf("asked the server anonymously: %q", got)
	}
}
