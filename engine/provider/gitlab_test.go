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

// glProjectJSON is a project as GET /groups/:id/projects documents it;
// path (the slug) differs from the display name.
func glProjectJSON(ns, path, name, extra string) string {
	return fmt.Sprintf(`{
      "id": 4, "name": %[3]q, "name_with_namespace": "Top / %[3]s", "path": %[2]q,
      "path_with_namespace": "%[1]s/%[2]s",
      "namespace": {"id": 2, "name": "Sub", "path": "sub", "kind": "group", "full_path": %[1]q},
      "http_url_to_repo": "https://gitlab.example.com/%[1]s/%[2]s.git",
      "ssh_url_to_repo": "git@gitlab.example.com:%[1]s/%[2]s.git",
      "web_url": "https://gitlab.example.com/%[1]s/%[2]s",
      "default_branch": "main", "visibility": "private", "archived": false,
      "last_activity_at": "2024-03-04T05:06:07.000Z",
      "repository_access_level": "enabled"%[4]s
    }`, ns, path, name, extra)
}

func glFake(t *testing.T, other *hostFake) *hostFake {
	var f *hostFake
	f = newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("PRIVATE-TOKEN") != fakeToken {
			writeJSON(w, 401, `{"message": "401 Unauthorized"}`)
			return
		}
		// r.URL.RawPath keeps the %2F of a group's full path.
		path := r.URL.EscapedPath()
		q := r.URL.Query()
		switch path {
		case "/api/v4/groups/top/projects":
			if q.Get("include_subgroups") != "true" || q.Get("per_page") != "100" {
				writeJSON(w, 400, `{"error": "want include_subgroups and per_page"}`)
				return
			}
			if q.Get("page") == "" {
				w.Header().Set("X-Next-Page", "2")
				w.Header().Set("X-Page", "1")
				writeJSON(w, 200, `[`+glProjectJSON("top", "direct-repo", "Direct Repo", "")+`,`+
					glProjectJSON("top/sub", "old", "Old", `, "archived": true`)+`]`)
				return
			}
			w.Header().Set("X-Next-Page", "")
			w.Header().Set("X-Page", "2")
			writeJSON(w, 200, `[`+glProjectJSON("top/sub/subsub", "deep", "Deep Thing",
				`, "forked_from_project": {"id": 1, "path_with_namespace": "up/deep"}, "statistics": {"repository_size": 5000}`)+`]`)
		case "/api/v4/groups/empty/projects":
			writeJSON(w, 200, `[]`)
		case "/api/v4/groups/broken/projects":
			writeJSON(w, 200, `[{"path": `)
		case "/api/v4/users/alice/projects":
			writeJSON(w, 200, `[`+glProjectJSON("alice", "dotfiles", "My Dotfiles", "")+`]`)
		case "/api/v4/projects":
			if q.Get("membership") != "true" || q.Get("pagination") != "keyset" {
				writeJSON(w, 400, `{"error": "want membership keyset"}`)
				return
			}
			if q.Get("id_after") == "" {
				next := f.srv.URL + "/api/v4/projects?id_after=4&membership=true&order_by=id&pagination=keyset&per_page=100&sort=asc"
				w.Header().Set("Link", `<`+next+`>; rel="next"`)
				writeJSON(w, 200, `[`+glProjectJSON("top", "direct-repo", "Direct Repo", "")+`]`)
				return
			}
			writeJSON(w, 200, `[`+glProjectJSON("other", "x", "X", "")+`]`)
		case "/api/v4/groups/leaky/projects":
			w.Header().Set("Link", `<`+other.srv.URL+`/api/v4/groups/leaky/projects?page=2>; rel="next"`)
			writeJSON(w, 200, `[]`)
		case "/api/v4/user":
			writeJSON(w, 200, `{"id": 1, "username": "jdoe", "name": "J Doe", "state": "active"}`)
		case "/api/v4/personal_access_tokens/self":
			writeJSON(w, 200, `{"id": 9, "name": "mgit", "revoked": false, "scopes": ["read_user", "read_repository"], "active": true}`)
		default:
			writeJSON(w, 404, `{"message": "404 Group Not Found"}`)
		}
	})
	return f
}

func newGLTest(t *testing.T, f *hostFake) *gitLab {
	t.Helper()
	cfg := f.config(KindGitLab)
	cfg.URL = f.srv.URL + "/"
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p.(*gitLab)
}

func TestGitLabGroupWithSubgroupsAndXNextPage(t *testing.T) {
	f := glFake(t, nil)
	g := newGLTest(t, f)
	repos, err := g.List(context.Background(), mustQuery(t, "top/sub*/*"))
	if err != nil {
		t.Fatal(err)
	}
	if got := names(repos); got != "top/sub/old,top/sub/subsub/deep" {
		t.Fatalf("repos = %q", got)
	}
	old, deep := repos[0], repos[1]
	if !old.Archived || old.Fork || old.Project != "sub" {
		t.Errorf("old mapped %+v", old)
	}
	if deep.Org != "top" || deep.Project != "sub/subsub" || deep.Name != "deep" || !deep.Fork || deep.Size != 5000 ||
		deep.CloneURL != "https://gitlab.example.com/top/sub/subsub/deep.git" || deep.Host != "gitlab.example.com" ||
		deep.DefaultBranch != "main" || !deep.Private || !deep.PushedAt.Equal(time.Date(2024, 3, 4, 5, 6, 7, 0, time.UTC)) {
		t.Errorf("deep mapped %+v", deep)
	}
	// "top" alone: every project of the group, direct ones with Project "".
	all, err := g.List(context.Background(), mustQuery(t, "top"))
	if err != nil || names(all) != "top/direct-repo,top/sub/old,top/sub/subsub/deep" {
		t.Fatalf("top = %q %v", names(all), err)
	}
	if all[0].Project != "" {
		t.Errorf("direct project has Project %q", all[0].Project)
	}
	// Slug, not the display name.
	if r, err := g.List(context.Background(), mustQuery(t, "top/Direct Repo")); err != nil || len(r) != 0 {
		t.Errorf("display-name query: %v %v", r, err)
	}
	var pages int
	for _, r := range f.requests() {
		if strings.Contains(r.Query, "page=2") {
			pages++
		}
	}
	if pages == 0 {
		t.Error("X-Next-Page never followed")
	}
}

func TestGitLabMembershipKeysetAndUserNamespace(t *testing.T) {
	f := glFake(t, nil)
	g := newGLTest(t, f)
	repos, err := g.List(context.Background(), mustQuery(t, "*/*"))
	if err != nil || names(repos) != "other/x,top/direct-repo" {
		t.Fatalf("membership = %q %v", names(repos), err)
	}
	user, err := g.List(context.Background(), mustQuery(t, "alice"))
	if err != nil || names(user) != "alice/dotfiles" {
		t.Fatalf("user namespace = %q %v", names(user), err)
	}
	if _, err := g.List(context.Background(), mustQuery(t, "nobody")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown namespace err = %v", err)
	}
}

func TestGitLabNestedGroupPathIsEscaped(t *testing.T) {
	var seen string
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		seen = r.URL.EscapedPath()
		writeJSON(w, 200, `[]`)
	})
	g := newGLTest(t, f)
	// A query org never contains '/', but a name with a space or '%' must
	// reach the server escaped once.
	if _, err := g.List(context.Background(), Query{Org: "a b%"}); err != nil {
		t.Fatal(err)
	}
	if seen != "/api/v4/groups/a%20b%25/projects" {
		t.Fatalf("path = %q", seen)
	}
}

func TestGitLabLinkToAnotherHostIsRefused(t *testing.T) {
	other := newHostFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `[]`) })
	f := glFake(t, other)
	_, err := newGLTest(t, f).List(context.Background(), mustQuery(t, "leaky"))
	if !errors.Is(err, ErrBadResponse) || !strings.Contains(err.Error(), "set the provider URL to the server's external URL") {
		t.Fatalf("err = %v, want ErrBadResponse naming the external URL", err)
	}
	if n := len(other.requests()); n != 0 {
		t.Fatalf("the other host was asked %d times", n)
	}
	if !f.tokenSeen() {
		t.Fatal("the API host never got the token: the test proves nothing")
	}
}

func TestGitLabErrors(t *testing.T) {
	f := glFake(t, nil)
	g := newGLTest(t, f)
	if r, err := g.List(context.Background(), mustQuery(t, "empty")); err != nil || len(r) != 0 {
		t.Errorf("empty group: %v %v", r, err)
	}
	if _, err := g.List(context.Background(), mustQuery(t, "broken")); !errors.Is(err, ErrBadResponse) {
		t.Errorf("malformed body err = %v", err)
	}
	cfg := f.config(KindGitLab)
	cfg.URL, cfg.Token = f.srv.URL+"/api/v4", "wrong"
	bad := mustNew(t, cfg)
	if _, err := bad.List(context.Background(), mustQuery(t, "top")); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("401 err = %v", err)
	}
}

func TestGitLabRateLimitAndScopes(t *testing.T) {
	n := 0
	f := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		switch {
		case n == 1:
			w.Header().Set("Retry-After", "2")
			w.Header().Set("RateLimit-Remaining", "0")
			writeJSON(w, 429, `{"message": "Retry later"}`)
		case r.URL.Path == "/api/v4/user":
			writeJSON(w, 403, `{"error": "insufficient_scope", "error_description": "The request requires higher privileges than provided by the access token.", "scope": "api read_api"}`)
		default:
			writeJSON(w, 200, `[]`)
		}
	})
	g := newGLTest(t, f)
	waits := recordSleeps(g.c)
	if _, err := g.List(context.Background(), mustQuery(t, "grp")); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] != 2*time.Second {
		t.Fatalf("waits = %v", *waits)
	}
	_, err := g.Validate(context.Background())
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "read_api") {
		t.Fatalf("insufficient scope err = %v", err)
	}
}

func TestGitLabValidate(t *testing.T) {
	f := glFake(t, nil)
	id, err := newGLTest(t, f).Validate(context.Background())
	// The fake token has read_user and read_repository only.
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "read_api") || id.Login != "jdoe" {
		t.Fatalf("validate = %+v, %v", id, err)
	}
	ok := newHostFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v4/user":
			writeJSON(w, 200, `{"username": "jdoe"}`)
		default: // an older server without /personal_access_tokens/self
			writeJSON(w, 404, `{"message": "404 Not Found"}`)
		}
	})
	if id, err := newGLTest(t, ok).Validate(context.Background()); err != nil || id.Login != "jdoe" || id.Scopes != nil {
		t.Fatalf("validate = %+v, %v", id, err)
	}
}
