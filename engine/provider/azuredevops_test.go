package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostFake is a fake provider API on 127.0.0.1 that records every request
// (path, query, headers) so tests can check paging and where the token
// went. Shared by the Azure DevOps, Bitbucket and GitLab tests.
type hostFake struct {
	srv *httptest.Server
	mu  sync.Mutex
	log []hostReq
}

type hostReq struct {
	Path, Query string
	Header      http.Header
}

const fakeToken = "s3cr3t-t0ken"

func newHostFake(t *testing.T, h http.HandlerFunc) *hostFake {
	t.Helper()
	f := &hostFake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.log = append(f.log, hostReq{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()})
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *hostFake) requests() []hostReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]hostReq(nil), f.log...)
}

// tokenSeen reports whether any request carried the token in any header,
// in clear or inside basic auth.
func (f *hostFake) tokenSeen() bool {
	for _, r := range f.requests() {
		for _, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, fakeToken) {
					return true
				}
				if b, ok := strings.CutPrefix(v, "Basic "); ok {
					if d, err := base64.StdEncoding.DecodeString(b); err == nil && strings.Contains(string(d), fakeToken) {
						return true
					}
				}
			}
		}
	}
	return false
}

func (f *hostFake) config(kind string) Config {
	return Config{Name: "test-" + kind, Kind: kind, Token: fakeToken, Client: f.srv.Client(), UserAgent: "mgit/test"}
}

// recordSleeps replaces the client's sleep so retries and rate-limit waits
// take no time; it returns the waits asked for.
func recordSleeps(c *client) *[]time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return &waits
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

func mustQuery(t *testing.T, s string) Query {
	t.Helper()
	q, err := ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func names(repos []Repo) string {
	var s []string
	for _, r := range repos {
		s = append(s, r.FullName)
	}
	return strings.Join(s, ",")
}

// adoRepoJSON is a GitRepository as Repositories - List documents it.
func adoRepoJSON(org, project, name string, fork, disabled bool) string {
	return fmt.Sprintf(`{
      "id": "5febef5a-833d-4e14-b9c0-14cb638f91e6",
      "name": %[3]q,
      "url": "https://dev.azure.com/%[1]s/_apis/git/repositories/5febef5a",
      "project": {"id": "6ce954b1", "name": %[2]q, "state": "wellFormed", "visibility": "private"},
      "defaultBranch": "refs/heads/main",
      "size": 2048,
      "remoteUrl": "https://%[1]s@dev.azure.com/%[1]s/%[2]s/_git/%[3]s",
      "sshUrl": "git@ssh.dev.azure.com:v3/%[1]s/%[2]s/%[3]s",
      "webUrl": "https://dev.azure.com/%[1]s/%[2]s/_git/%[3]s",
      "isDisabled": %[5]t,
      "isFork": %[4]t
    }`, org, project, name, fork, disabled)
}

// adoFake serves organisation "fabrikam": projects Alpha, "Team A" on the
// first page of projects and "Team B" behind a continuation token.
func adoFake(t *testing.T) *hostFake {
	return newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api-version") != "7.1" && !strings.HasSuffix(r.URL.Path, "/connectionData") {
			writeJSON(w, 400, `{"message": "api-version missing"}`)
			return
		}
		// Azure DevOps names are case-insensitive in URLs.
		switch strings.ToLower(r.URL.Path) {
		case "/fabrikam/_apis/projects":
			if r.URL.Query().Get("$top") != "100" {
				writeJSON(w, 400, `{"message": "want $top"}`)
				return
			}
			if r.URL.Query().Get("continuationToken") == "" {
				w.Header().Set("x-ms-continuationtoken", "2")
				writeJSON(w, 200, `{"count": 2, "value": [{"id": "1", "name": "Alpha"}, {"id": "2", "name": "Team A"}]}`)
				return
			}
			writeJSON(w, 200, `{"count": 1, "value": [{"id": "3", "name": "Team B"}]}`)
		case "/fabrikam/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 3, "value": [`+adoRepoJSON("fabrikam", "Alpha", "api", false, false)+`,`+
				adoRepoJSON("fabrikam", "Team A", "web", true, false)+`,`+adoRepoJSON("fabrikam", "Team B", "Old Tool", false, true)+`]}`)
		case "/fabrikam/alpha/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 1, "value": [`+adoRepoJSON("fabrikam", "Alpha", "api", false, false)+`]}`)
		case "/fabrikam/team a/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 1, "value": [`+adoRepoJSON("fabrikam", "Team A", "web", true, false)+`]}`)
		case "/fabrikam/team b/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 1, "value": [`+adoRepoJSON("fabrikam", "Team B", "Old Tool", false, true)+`]}`)
		case "/empty/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 0, "value": []}`)
		case "/fabrikam/_apis/connectiondata":
			writeJSON(w, 200, `{"authenticatedUser": {"id": "d6245f20", "descriptor": "Microsoft.IdentityModel.Claims.ClaimsIdentity;x",
				"providerDisplayName": "Jamal Hartnett", "isActive": true,
				"properties": {"Account": {"$type": "System.String", "$value": "jamal@fabrikam.com"}}},
				"instanceId": "a8a9e0a2", "locationServiceData": {}}`)
		case "/signin/_apis/git/repositories":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNonAuthoritativeInfo)
			fmt.Fprint(w, "<html><body>Sign In</body></html>")
		case "/denied/_apis/git/repositories":
			writeJSON(w, 401, `{"message": "TF400813: The user is not authorized to access this resource."}`)
		case "/broken/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 1, "value": [{"name": `)
		default:
			writeJSON(w, 404, `{"$id": "1", "message": "TF200016: The following project does not exist"}`)
		}
	})
}

func newADOTest(t *testing.T, f *hostFake, org string) *azureDevOps {
	t.Helper()
	a, err := newAzureDevOpsAt(f.config(KindAzureDevOps), f.srv.URL, true, org)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAzureDevOpsProjectGlobFollowsContinuationToken(t *testing.T) {
	f := adoFake(t)
	a := newADOTest(t, f, "")
	repos, err := a.List(context.Background(), mustQuery(t, "fabrikam/team*/*"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(repos), "fabrikam/Team A/web,fabrikam/Team B/Old Tool"; got != want {
		t.Fatalf("repos = %q, want %q", got, want)
	}
	var sawToken bool
	for _, r := range f.requests() {
		if strings.Contains(r.Query, "continuationToken=2") {
			sawToken = true
		}
		if r.Path == "/fabrikam/Alpha/_apis/git/repositories" {
			t.Errorf("listed repositories of non-matching project Alpha")
		}
		user, pass, ok := (&http.Request{Header: r.Header}).BasicAuth()
		if !ok || user != "" || pass != fakeToken {
			t.Errorf("%s: basic auth = %q:%q (%v), want empty user and the PAT", r.Path, user, pass, ok)
		}
	}
	if !sawToken {
		t.Errorf("second page of projects never asked for with continuationToken: %+v", f.requests())
	}
	web := repos[0]
	if web.CloneURL != "https://dev.azure.com/fabrikam/Team%20A/_git/web" {
		t.Errorf("clone URL %q: want no userinfo", web.CloneURL)
	}
	if web.DefaultBranch != "main" || !web.Fork || web.Disabled || web.Host != "dev.azure.com" ||
		web.Org != "fabrikam" || web.Project != "Team A" || web.Name != "web" || web.Size != 2048 || !web.Private {
		t.Errorf("mapped %+v", web)
	}
	if !repos[1].Disabled || repos[1].SSHURL != "git@ssh.dev.azure.com:v3/fabrikam/Team B/Old Tool" {
		t.Errorf("mapped %+v", repos[1])
	}
}

func TestAzureDevOpsWholeOrgAndLiteralProject(t *testing.T) {
	f := adoFake(t)
	a := newADOTest(t, f, "fabrikam")
	all, err := a.List(context.Background(), mustQuery(t, "*"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(all); got != "fabrikam/Alpha/api,fabrikam/Team A/web,fabrikam/Team B/Old Tool" {
		t.Fatalf("org-wide list = %q", got)
	}
	// One request for the organisation's repositories (besides asking the
	// profile service for the user's organisations, which this fake does
	// not serve: the default org is used).
	n := 0
	for _, r := range f.requests() {
		if strings.HasPrefix(strings.ToLower(r.Path), "/fabrikam/") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("org-wide list took %d requests, want 1", n)
	}
	one, err := a.List(context.Background(), mustQuery(t, "fabrikam/alpha/API"))
	if err != nil {
		t.Fatal(err)
	}
	if names(one) != "fabrikam/Alpha/api" {
		t.Fatalf("literal query = %q", names(one))
	}
	// A query for another organisation's glob does not match the default.
	none, err := a.List(context.Background(), mustQuery(t, "other*/x"))
	if err != nil || len(none) != 0 {
		t.Fatalf("non-matching org glob: %v %v", none, err)
	}
}

func TestAzureDevOpsErrors(t *testing.T) {
	f := adoFake(t)
	a := newADOTest(t, f, "")
	for _, tc := range []struct {
		query string
		want  error
	}{
		{"empty", nil},
		{"missing", ErrNotFound},
		{"denied", ErrUnauthorized},
		{"signin", ErrUnauthorized},
		{"broken", ErrBadResponse},
		{"*/x", ErrNotFound}, // no org in the query and none configured
	} {
		repos, err := a.List(context.Background(), mustQuery(t, tc.query))
		if tc.want == nil {
			if err != nil || len(repos) != 0 {
				t.Errorf("%s: %v, %v; want nothing", tc.query, repos, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.query, err, tc.want)
		}
	}
}

func TestAzureDevOpsRetryAfter(t *testing.T) {
	var calls int
	var mu sync.Mutex
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			writeJSON(w, 429, `{"message": "TF400733: request was blocked"}`)
			return
		}
		writeJSON(w, 200, `{"count": 1, "value": [`+adoRepoJSON("org", "P", "r", false, false)+`]}`)
	})
	a := newADOTest(t, f, "org")
	waits := recordSleeps(a.c)
	repos, err := a.List(context.Background(), mustQuery(t, "org"))
	if err != nil || len(repos) != 1 {
		t.Fatalf("%v %v", repos, err)
	}
	if len(*waits) != 1 || (*waits)[0] != 7*time.Second {
		t.Fatalf("waits = %v, want [7s]", *waits)
	}
}

func TestAzureDevOpsServerCollection(t *testing.T) {
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tfs/DefaultCollection/_apis/git/repositories":
			writeJSON(w, 200, `{"count": 1, "value": [`+adoRepoJSON("DefaultCollection", "Proj", "svc", false, false)+`]}`)
		case "/tfs/DefaultCollection/_apis/connectionData":
			writeJSON(w, 200, `{"authenticatedUser": {"id": "x", "providerDisplayName": "CONTOSO\\jane", "properties": {}}}`)
		default:
			writeJSON(w, 404, `{}`)
		}
	})
	cfg := f.config(KindAzureDevOps)
	cfg.URL = f.srv.URL + "/tfs/DefaultCollection/"
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	repos, err := p.List(context.Background(), mustQuery(t, "defaultcollection/*/*"))
	if err != nil || len(repos) != 1 {
		t.Fatalf("%v %v", repos, err)
	}
	if r := repos[0]; r.Host != strings.TrimPrefix(f.srv.URL, "http://") || r.Org != "DefaultCollection" || r.FullName != "DefaultCollection/Proj/svc" {
		t.Errorf("mapped %+v", r)
	}
	if none, err := p.List(context.Background(), mustQuery(t, "elsewhere/x")); err != nil || len(none) != 0 {
		t.Errorf("other org: %v %v", none, err)
	}
	id, err := p.Validate(context.Background())
	if err != nil || id.Login != `CONTOSO\jane` {
		t.Errorf("validate = %+v, %v", id, err)
	}
}

func TestAzureDevOpsValidate(t *testing.T) {
	f := adoFake(t)
	id, err := newADOTest(t, f, "fabrikam").Validate(context.Background())
	if err != nil || id.Login != "jamal@fabrikam.com" {
		t.Fatalf("validate = %+v, %v", id, err)
	}
	anon := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"authenticatedUser": {"id": "", "providerDisplayName": "", "properties": {}}}`)
	})
	if _, err := newADOTest(t, anon, "fabrikam").Validate(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("anonymous validate err = %v, want ErrUnauthorized", err)
	}
	if _, err := newADOTest(t, f, "").Validate(context.Background()); err == nil {
		t.Fatal("validate without an organisation succeeded")
	}
}

func TestAzureDevOpsURLForms(t *testing.T) {
	p, err := newAzureDevOps(Config{Name: "a", URL: "https://dev.azure.com/myorg/"})
	if err != nil {
		t.Fatal(err)
	}
	if a := p.(*azureDevOps); !a.services || a.org != "myorg" || a.host != "dev.azure.com" {
		t.Errorf("dev.azure.com URL: %+v", a)
	}
	p, err = newAzureDevOps(Config{Name: "a", URL: "https://ado.example.com:8443/tfs/Main"})
	if err != nil {
		t.Fatal(err)
	}
	if a := p.(*azureDevOps); a.services || a.org != "Main" || a.host != "ado.example.com:8443" {
		t.Errorf("server URL: %+v", a)
	}
	p, err = newAzureDevOps(Config{Name: "a", URL: "https://ADO.example.com:443/tfs/Main"})
	if err != nil {
		t.Fatal(err)
	}
	if a := p.(*azureDevOps); a.host != "ado.example.com" {
		t.Errorf("server URL with the default port: host %q", a.host)
	}
	if p, err := newAzureDevOps(Config{Name: "a", URL: "ftp://x/y"}); err == nil || p != nil {
		t.Errorf("ftp URL accepted: %v %v", p, err)
	}
}

// TestAzureDevOpsDiscoversOrganisations: an org glob lists the user's
// organisations through the profile service (Profiles - Get, then
// Accounts - List) and lists each matching one; a PAT that cannot list
// them (scoped to one organisation) falls back to the default org, and
// without one says what to do.
func TestAzureDevOpsDiscoversOrganisations(t *testing.T) {
	orgs := adoFake(t)
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/_apis/profile/profiles/me":
			if u, p, ok := r.BasicAuth(); !ok || p != fakeToken {
				writeJSON(w, 401, `{"message": "TF400813"}`)
				_ = u
				return
			}
			writeJSON(w, 200, `{"displayName": "Jamal Hartnett", "publicAlias": "d6245f20", "emailAddress": "jamal@fabrikam.com",
				"coreRevision": 1, "timeStamp": "2026-01-01T00:00:00Z", "id": "d6245f20-2af8-44f4-9451-8107cb2767db", "revision": 1}`)
		case "/_apis/accounts":
			if r.URL.Query().Get("memberId") != "d6245f20-2af8-44f4-9451-8107cb2767db" {
				writeJSON(w, 400, `{"message": "memberId"}`)
				return
			}
			writeJSON(w, 200, `{"count": 3, "value": [
				{"accountId": "1", "accountUri": "https://vssps.dev.azure.com/fabrikam/", "accountName": "fabrikam", "properties": {}},
				{"accountId": "2", "accountUri": "https://vssps.dev.azure.com/empty/", "accountName": "empty", "properties": {}},
				{"accountId": "3", "accountUri": "https://vssps.dev.azure.com/zeta/", "accountName": "zeta", "properties": {}}]}`)
		default:
			orgs.srv.Config.Handler.ServeHTTP(w, r)
		}
	})
	a := newADOTest(t, f, "")
	repos, err := a.List(context.Background(), mustQuery(t, "*"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(repos); got != "fabrikam/Alpha/api,fabrikam/Team A/web,fabrikam/Team B/Old Tool" {
		t.Fatalf("repos of every organisation = %q", got)
	}
	asked := map[string]bool{}
	for _, r := range orgs.requests() {
		asked[strings.ToLower(r.Path)] = true
	}
	// zeta refuses (404 here): an organisation the PAT was not made for
	// is left out, not a failure of the whole listing.
	if !asked["/fabrikam/_apis/git/repositories"] || !asked["/empty/_apis/git/repositories"] || !asked["/zeta/_apis/git/repositories"] {
		t.Fatalf("organisations listed: %v", asked)
	}
	// e* matches only "empty".
	if r, err := a.List(context.Background(), mustQuery(t, "e*")); err != nil || len(r) != 0 {
		t.Fatalf("e*: %v %v", r, err)
	}

	// A PAT the profile service refuses: the default org, or a hint.
	cfg := f.config(KindAzureDevOps)
	cfg.Token = "scoped-to-one-org"
	scoped, err := newAzureDevOpsAt(cfg, orgs.srv.URL, true, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scoped.List(context.Background(), mustQuery(t, "*")); err == nil ||
		!strings.Contains(err.Error(), "name the organisation in the query") {
		t.Fatalf("no organisations and no default org: %v", err)
	}
}
