package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// bbCloudRepoJSON is a repository as GET /2.0/repositories/{workspace}
// documents it; slug and display name differ on purpose.
func bbCloudRepoJSON(ws, slug, name, mainbranch, parent string) string {
	mb := "null"
	if mainbranch != "" {
		mb = fmt.Sprintf(`{"type": "branch", "name": %q}`, mainbranch)
	}
	return fmt.Sprintf(`{
      "type": "repository", "uuid": "{b7e1}", "slug": %[2]q, "name": %[3]q, "full_name": "%[1]s/%[2]s",
      "workspace": {"type": "workspace", "slug": %[1]q, "name": "Acme Corp"},
      "links": {
        "html": {"href": "https://bitbucket.org/%[1]s/%[2]s"},
        "clone": [
          {"name": "https", "href": "https://alice@bitbucket.org/%[1]s/%[2]s.git"},
          {"name": "ssh", "href": "git@bitbucket.org:%[1]s/%[2]s.git"}
        ]
      },
      "mainbranch": %[4]s,
      "is_private": true, "size": 73400, "scm": "git",
      "updated_on": "2024-05-06T07:08:09.123456+00:00",
      "parent": %[5]s
    }`, ws, slug, name, mb, parent)
}

func bbCloudFake(t *testing.T, other *hostFake) *hostFake {
	var f *hostFake
	f = newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		base := f.srv.URL + "/2.0"
		switch r.URL.Path {
		case "/2.0/repositories/acme":
			if r.URL.Query().Get("page") == "" {
				writeJSON(w, 200, `{"pagelen": 1, "size": 2, "page": 1, "next": "`+base+`/repositories/acme?pagelen=100&page=2", "values": [`+
					bbCloudRepoJSON("acme", "my-repo", "My Repo", "main", "null")+`]}`)
				return
			}
			writeJSON(w, 200, `{"pagelen": 1, "size": 2, "page": 2, "values": [`+
				bbCloudRepoJSON("acme", "forked", "Forked!", "", `{"type": "repository", "full_name": "up/forked"}`)+`]}`)
		case "/2.0/repositories/empty":
			writeJSON(w, 200, `{"pagelen": 100, "size": 0, "page": 1, "values": []}`)
		case "/2.0/repositories/evil":
			writeJSON(w, 200, `{"pagelen": 1, "next": "`+other.srv.URL+`/2.0/repositories/evil?page=2", "values": []}`)
		case "/2.0/repositories/broken":
			writeJSON(w, 200, `{"values": [{"slug": `)
		case "/2.0/user/workspaces":
			writeJSON(w, 200, `{"pagelen": 100, "page": 1, "size": 3, "values": [
				{"type": "workspace_access", "administrator": false, "workspace": {"type": "workspace_base", "slug": "acme"}},
				{"type": "workspace_access", "administrator": true, "workspace": {"type": "workspace_base", "slug": "empty"}},
				{"type": "workspace_access", "administrator": false, "workspace": {"type": "workspace_base", "slug": "zeta"}}]}`)
		case "/2.0/user":
			if u, p, ok := r.BasicAuth(); !ok || u != "alice@example.com" || p != fakeToken {
				writeJSON(w, 401, `{"type": "error", "error": {"message": "Unauthorized"}}`)
				return
			}
			w.Header().Set("X-OAuth-Scopes", "account, repository")
			writeJSON(w, 200, `{"type": "user", "username": "alice", "display_name": "Alice A", "account_id": "557058:x"}`)
		default:
			writeJSON(w, 404, `{"type": "error", "error": {"message": "Repository not found"}}`)
		}
	})
	return f
}

func newBBCloudTest(t *testing.T, f *hostFake, user string) *bitbucketCloud {
	t.Helper()
	cfg := f.config(KindBitbucket)
	cfg.User = user
	b, err := newBitbucketCloudAt(cfg, f.srv.URL+"/2.0")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBitbucketCloudPagesAndMapping(t *testing.T) {
	other := newHostFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"values": []}`) })
	f := bbCloudFake(t, other)
	b := newBBCloudTest(t, f, "alice@example.com")
	repos, err := b.List(context.Background(), mustQuery(t, "acme/*"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(repos); got != "acme/forked,acme/my-repo" {
		t.Fatalf("repos = %q", got)
	}
	fork, mine := repos[0], repos[1]
	if mine.Name != "my-repo" || mine.CloneURL != "https://bitbucket.org/acme/my-repo.git" ||
		mine.SSHURL != "git@bitbucket.org:acme/my-repo.git" || mine.DefaultBranch != "main" || mine.Fork ||
		mine.Host != "bitbucket.org" || !mine.Private || mine.Size != 73400 ||
		!mine.PushedAt.Equal(time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)) {
		t.Errorf("mapped %+v", mine)
	}
	if !fork.Fork || fork.DefaultBranch != "" {
		t.Errorf("fork mapped %+v", fork)
	}
	// The display name is not the slug: a query for it finds nothing.
	if r, err := b.List(context.Background(), mustQuery(t, "acme/My Repo")); err != nil || len(r) != 0 {
		t.Errorf("display-name query: %v %v", r, err)
	}
	for _, r := range f.requests() {
		if u, p, ok := (&http.Request{Header: r.Header}).BasicAuth(); !ok || u != "alice@example.com" || p != fakeToken {
			t.Errorf("%s: basic auth %q:%q", r.Path, u, p)
		}
	}
}

func TestBitbucketCloudNextOnAnotherHostIsRefused(t *testing.T) {
	other := newHostFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"values": []}`) })
	f := bbCloudFake(t, other)
	_, err := newBBCloudTest(t, f, "").List(context.Background(), mustQuery(t, "evil"))
	if !errors.Is(err, ErrBadResponse) {
		t.Fatalf("err = %v, want ErrBadResponse", err)
	}
	if other.tokenSeen() || len(other.requests()) != 0 {
		t.Fatalf("the other host was asked: %+v", other.requests())
	}
	if !f.tokenSeen() {
		t.Fatal("the API host never got the bearer token")
	}
}

func TestBitbucketCloudWorkspaceGlob(t *testing.T) {
	f := bbCloudFake(t, nil)
	repos, err := newBBCloudTest(t, f, "alice@example.com").List(context.Background(), mustQuery(t, "[ae]*/*"))
	if err != nil {
		t.Fatal(err)
	}
	if names(repos) != "acme/forked,acme/my-repo" {
		t.Fatalf("repos = %q", names(repos))
	}
	for _, r := range f.requests() {
		if r.Path == "/2.0/repositories/zeta" {
			t.Error("listed non-matching workspace zeta")
		}
	}
}

func TestBitbucketCloudWorkspacesFallbackAndAccessToken(t *testing.T) {
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/2.0/user/workspaces":
			writeJSON(w, 410, `{"type": "error", "error": {"message": "CHANGE-2770 - Functionality has been deprecated"}}`)
		case "/2.0/user/permissions/workspaces":
			writeJSON(w, 200, `{"values": [{"type": "workspace_membership", "permission": "member", "workspace": {"slug": "empty"}}]}`)
		case "/2.0/repositories/empty":
			writeJSON(w, 200, `{"values": []}`)
		default:
			writeJSON(w, 404, `{"type": "error", "error": {"message": "not found"}}`)
		}
	})
	repos, err := newBBCloudTest(t, f, "u").List(context.Background(), mustQuery(t, "*"))
	if err != nil || len(repos) != 0 {
		t.Fatalf("%v %v", repos, err)
	}
	if got := f.requests(); len(got) != 3 || got[2].Path != "/2.0/repositories/empty" {
		t.Fatalf("requests %+v", got)
	}

	// A workspace access token cannot list workspaces: the configured
	// workspace stands in for a glob.
	tokOnly := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+fakeToken {
			writeJSON(w, 401, `{}`)
			return
		}
		switch r.URL.Path {
		case "/2.0/repositories/acme":
			writeJSON(w, 200, `{"values": [`+bbCloudRepoJSON("acme", "r1", "R1", "main", "null")+`]}`)
		default:
			writeJSON(w, 403, `{"type": "error", "error": {"message": "Access token not allowed"}}`)
		}
	})
	cfg := tokOnly.config(KindBitbucket)
	cfg.Org = "acme"
	b, err := newBitbucketCloudAt(cfg, tokOnly.srv.URL+"/2.0")
	if err != nil {
		t.Fatal(err)
	}
	if repos, err := b.List(context.Background(), mustQuery(t, "*")); err != nil || names(repos) != "acme/r1" {
		t.Fatalf("%v %v", names(repos), err)
	}
	if id, err := b.Validate(context.Background()); err != nil || id.Login == "" {
		t.Fatalf("validate access token: %+v %v", id, err)
	}
}

func TestBitbucketCloudErrorsAndValidate(t *testing.T) {
	f := bbCloudFake(t, nil)
	b := newBBCloudTest(t, f, "alice@example.com")
	for q, want := range map[string]error{"missing": ErrNotFound, "broken": ErrBadResponse} {
		if _, err := b.List(context.Background(), mustQuery(t, q)); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", q, err, want)
		}
	}
	if r, err := b.List(context.Background(), mustQuery(t, "empty")); err != nil || len(r) != 0 {
		t.Errorf("empty workspace: %v %v", r, err)
	}
	id, err := b.Validate(context.Background())
	if err != nil || id.Login != "alice" || strings.Join(id.Scopes, "|") != "account|repository" {
		t.Fatalf("validate = %+v, %v", id, err)
	}
	if _, err := newBBCloudTest(t, f, "mallory").Validate(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("bad credential: err = %v", err)
	}
}

func TestBitbucketRateLimitRetryAfter(t *testing.T) {
	n := 0
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		n++ // the client is sequential here
		if n == 1 {
			w.Header().Set("Retry-After", "3")
			writeJSON(w, 429, `{"type": "error", "error": {"message": "Rate limit for this resource has been exceeded"}}`)
			return
		}
		writeJSON(w, 200, `{"values": [`+bbCloudRepoJSON("acme", "r1", "R1", "main", "null")+`]}`)
	})
	b := newBBCloudTest(t, f, "")
	waits := recordSleeps(b.c)
	if repos, err := b.List(context.Background(), mustQuery(t, "acme")); err != nil || len(repos) != 1 {
		t.Fatalf("%v %v", repos, err)
	}
	if len(*waits) != 1 || (*waits)[0] != 3*time.Second {
		t.Fatalf("waits = %v", *waits)
	}
}

func TestNewBitbucketPicksCloudOrDataCenter(t *testing.T) {
	for url, cloud := range map[string]bool{"": true, "https://api.bitbucket.org/2.0": true, "https://bitbucket.org": true,
		"https://bb.example.com": false} {
		p, err := New(Config{Name: "b", Kind: KindBitbucket, URL: url})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.(*bitbucketCloud); ok != cloud {
			t.Errorf("%q: cloud = %v", url, ok)
		}
	}
	if p, ok := mustNew(t, Config{Name: "b", Kind: KindBitbucket, URL: "https://bb.example.com/bb/"}).(*bitbucketDC); !ok ||
		p.c.base.String() != "https://bb.example.com/bb/rest/api/1.0" {
		t.Errorf("data center base: %+v", p)
	}
}

func mustNew(t *testing.T, cfg Config) Provider {
	t.Helper()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBitbucketCloudOrDataCenter: a Cloud API root given as --url (its
// path ends in /2.0) is Cloud, not Data Center; a server root that has no
// Data Center API answers with an error that names the Cloud URL instead
// of a bare 404.
func TestBitbucketCloudOrDataCenter(t *testing.T) {
	other := newHostFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"values": []}`) })
	f := bbCloudFake(t, other)
	cfg := f.config(KindBitbucket)
	cfg.User = "alice@example.com"
	cfg.URL = f.srv.URL + "/2.0/"
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*bitbucketCloud); !ok {
		t.Fatalf("--url %s built %T, want Bitbucket Cloud", cfg.URL, p)
	}
	if repos, err := p.List(context.Background(), mustQuery(t, "acme/*")); err != nil || len(repos) != 2 {
		t.Fatalf("list through the Cloud URL: %d repositories, %v", len(repos), err)
	}

	cfg.URL = f.srv.URL // a server root: Data Center, and Cloud does not answer there
	p, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.(*bitbucketDC); !ok {
		t.Fatalf("--url %s built %T, want Bitbucket Data Center", cfg.URL, p)
	}
	for name, call := range map[string]func() error{
		"validate": func() error { _, err := p.Validate(context.Background()); return err },
		"list":     func() error { _, err := p.List(context.Background(), mustQuery(t, "*")); return err },
		"project":  func() error { _, err := p.List(context.Background(), mustQuery(t, "PRJ/*")); return err },
	} {
		err := call()
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no Bitbucket Data Center REST API at") ||
			!strings.Contains(err.Error(), bbCloudAPI) {
			t.Errorf("%s against a server without the Data Center API: %v", name, err)
		}
	}
}
