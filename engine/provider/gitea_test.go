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

// fakeGitea serves Gitea's /api/v1 repository listings (limit/page, Link
// and X-Total-Count headers like Gitea's SetLinkHeader/SetTotalCountHeader).
type fakeGitea struct {
	srv      *httptest.Server
	link     bool // send Link headers (older proxies strip them)
	limitCap int  // MAX_RESPONSE_ITEMS
	listings map[string][]map[string]any
	mu       sync.Mutex
	requests []string
}

func newFakeGitea(t *testing.T) *fakeGitea {
	f := &fakeGitea{link: true, limitCap: 2, listings: map[string][]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func giteaRepoJSON(owner, name string, mods ...func(map[string]any)) map[string]any {
	r := map[string]any{
		"id": 1, "name": name, "full_name": owner + "/" + name,
		"owner":          map[string]any{"id": 2, "login": owner, "username": owner},
		"clone_url":      "https://gitea.example.com/" + owner + "/" + name + ".git",
		"ssh_url":        "git@gitea.example.com:" + owner + "/" + name + ".git",
		"default_branch": "main", "archived": false, "fork": false, "private": false, "empty": false,
		"size": 10, "updated_at": "2024-03-01T10:00:00+01:00",
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

func (f *fakeGitea) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.URL.Path+"?"+r.URL.RawQuery)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if r.Header.Get("Authorization") != "token "+testToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"user does not exist [uid: 0, name: ]","url":"https://gitea.example.com/api/swagger"}`)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/api/v1")
	if path == "/user" {
		fmt.Fprint(w, `{"id":2,"login":"alice","username":"alice"}`)
		return
	}
	repos, ok := f.listings[path]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"errors":null,"message":"GetOrgByName","url":"https://gitea.example.com/api/swagger"}`)
		return
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	limit = min(max(limit, 1), f.limitCap)
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	lo, hi := min((page-1)*limit, len(repos)), min(page*limit, len(repos))
	w.Header().Set("X-Total-Count", strconv.Itoa(len(repos)))
	if f.link && hi < len(repos) {
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?limit=%d&page=%d>; rel="next",<%s%s?limit=%d&page=1>; rel="first"`,
			f.srv.URL, r.URL.Path, limit, page+1, f.srv.URL, r.URL.Path, limit))
	} else if f.link && page > 1 {
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?limit=%d&page=1>; rel="first"`, f.srv.URL, r.URL.Path, limit))
	}
	b, _ := json.Marshal(repos[lo:hi])
	w.Write(b)
}

func (f *fakeGitea) provider(t *testing.T, token string) *gitea {
	t.Helper()
	p, err := New(Config{Kind: KindGitea, Name: "forge", URL: f.srv.URL + "/", Token: token, Client: f.srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	installFakeClock(p.(*gitea).c)
	return p.(*gitea)
}

func (f *fakeGitea) taken() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.requests
	f.requests = nil
	return out
}

func TestGiteaListPagesAndMaps(t *testing.T) {
	for _, link := range []bool{true, false} {
		f := newFakeGitea(t)
		f.link = link
		f.listings["/orgs/team/repos"] = []map[string]any{
			giteaRepoJSON("team", "a"), giteaRepoJSON("team", "b", func(m map[string]any) { m["archived"] = true }),
			giteaRepoJSON("team", "c", func(m map[string]any) { m["fork"] = true; m["private"] = true }),
			giteaRepoJSON("team", "empty", func(m map[string]any) { m["empty"] = true }),
		}
		p := f.provider(t, testToken)
		repos, err := p.List(context.Background(), ghQuery(t, "team"))
		if err != nil || fullNames(repos) != "team/a,team/b,team/c,team/empty" {
			t.Fatalf("link=%v: %s, %v", link, fullNames(repos), err)
		}
		// With Link: 2 pages; without, X-Total-Count stops after page 2 too.
		if got := f.taken(); len(got) != 2 || got[0] != "/api/v1/orgs/team/repos?limit=50&page=1" {
			t.Fatalf("link=%v: requests %q", link, got)
		}
		a := repos[0]
		if a.Kind != KindGitea || a.Provider != "forge" || a.Host != "gitea.example.com" || a.Size != 10*1024 ||
			a.DefaultBranch != "main" || a.SSHURL == "" || !a.PushedAt.Equal(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)) {
			t.Fatalf("mapped %+v", a)
		}
		if !repos[1].Archived || !repos[2].Fork || !repos[2].Private || repos[3].DefaultBranch != "" {
			t.Fatalf("flags: %+v", repos)
		}
	}
}

func TestGiteaStopsAtEmptyPageWithoutHeaders(t *testing.T) {
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if r.URL.Query().Get("page") == "1" {
			fmt.Fprint(w, `[{"name":"x","full_name":"o/x","owner":{"login":"o"}}]`)
			return
		}
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()
	p, err := New(Config{Kind: KindGitea, Name: "g", URL: srv.URL, Token: testToken, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	repos, err := p.List(context.Background(), ghQuery(t, "o"))
	if err != nil || fullNames(repos) != "o/x" || n != 2 {
		t.Fatalf("%s, %v after %d requests", fullNames(repos), err, n)
	}
}

func TestGiteaFallbacksAndErrors(t *testing.T) {
	f := newFakeGitea(t)
	f.listings["/users/bob/repos"] = []map[string]any{giteaRepoJSON("bob", "dots")}
	f.listings["/user/repos"] = []map[string]any{giteaRepoJSON("alice", "private"), giteaRepoJSON("team", "x")}
	f.listings["/orgs/void/repos"] = []map[string]any{}
	p := f.provider(t, testToken)
	ctx := context.Background()
	for q, want := range map[string]string{"bob": "bob/dots", "alice": "alice/private", "*/x": "team/x", "void": ""} {
		repos, err := p.List(ctx, ghQuery(t, q))
		if err != nil || fullNames(repos) != want {
			t.Errorf("%s: %s, %v; want %s", q, fullNames(repos), err, want)
		}
	}
	if _, err := p.List(ctx, ghQuery(t, "nobody")); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing org: %v", err)
	}
	id, err := p.Validate(ctx)
	if err != nil || id.Login != "alice" {
		t.Errorf("Validate = %+v, %v", id, err)
	}
	bad := f.provider(t, "nope")
	if _, err := bad.Validate(ctx); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("bad token Validate: %v", err)
	}
	if _, err := bad.List(ctx, ghQuery(t, "bob")); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("bad token List: %v", err)
	}
	if _, err := New(Config{Kind: KindGitea, Name: "g"}); err == nil || !strings.Contains(err.Error(), "instance URL") {
		t.Errorf("gitea without URL: %v", err)
	}
}

func TestGiteaMalformedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html>proxy error</html>`)
	}))
	defer srv.Close()
	p, err := New(Config{Kind: KindGitea, Name: "g", URL: srv.URL, Token: testToken, Client: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.List(context.Background(), ghQuery(t, "o"))
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "/api/v1/orgs/o/repos") {
		t.Fatalf("err = %v", err)
	}
}

// TestGiteaGlobWithoutToken: see TestGitHubGlobWithoutToken.
func TestGiteaGlobWithoutToken(t *testing.T) {
	f := newFakeGitea(t)
	_, err := f.provider(t, "").List(context.Background(), mustQuery(t, "*"))
	if !errors.Is(err, ErrUnauthorized) ||
		!strings.Contains(err.Error(), "a glob org needs a token (run mgit login --name forge, or name the org)") {
		t.Fatalf("err = %v", err)
	}
	if got := f.taken(); len(got) != 0 {
		t.Fatalf("asked the server anonymously: %q", got)
	}
}
