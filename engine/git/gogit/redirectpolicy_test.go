package gogit_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestRedirectWithinOriginRefused: the credential follows no redirect, not
// even one to another repository on the same scheme, host and port, where
// go-git's default policy ("initial") follows info/refs and keeps the
// Authorization header (same origin), so the clone succeeded from the
// repository the server pointed at. The go-git backend refuses like the
// CLI backend (http.followRedirects=false): the operation fails, its error
// names the new URL, and no request after the redirect reaches the target.
func TestRedirectWithinOriginRefused(t *testing.T) {
	t.Parallel()
	const token = "same-origin-token-91c4"
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	srv.CreateRepo(t, "team/app")
	seed := srv.CreateRepo(t, "team/moved")
	backend, err := url.Parse(srv.URL("team/app"))
	if err != nil {
		t.Fatal(err)
	}
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)

	var mu sync.Mutex
	var afterRedirect []string // requests for team/moved: only a followed redirect makes them
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/team/app.git/"); ok {
			http.Redirect(w, r, "/team/moved.git/"+rest+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/team/moved.git/") {
			mu.Lock()
			afterRedirect = append(afterRedirect, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization"))
			mu.Unlock()
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	moved := front.URL + "/team/moved.git"
	auth := git.Credentials{Username: "x-access-token", Password: token}
	b := gogit.New()

	t.Run("clone", func(t *testing.T) {
		dest := filepath.Join(t.TempDir(), "app")
		err := b.Clone(context.Background(), front.URL+"/team/app.git", dest, git.CloneOptions{Auth: auth})
		checkRefused(t, err, moved, token, &mu, &afterRedirect)
	})
	t.Run("fetch", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "app")
		gittest.CloneAuth(t, front.URL+"/team/moved.git", dir, "x-access-token", token)
		gittest.Git(t, dir, "remote", "set-url", "origin", front.URL+"/team/app.git")
		gittest.Commit(t, seed, "up.txt", "up\n", "upstream")
		gittest.Push(t, seed)
		mu.Lock()
		afterRedirect = nil // the setup clone's own requests
		mu.Unlock()
		err := b.Fetch(context.Background(), dir, git.FetchOptions{Auth: auth})
		checkRefused(t, err, moved, token, &mu, &afterRedirect)
	})
}

func checkRefused(t *testing.T, err error, moved, token string, mu *sync.Mutex, after *[]string) {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if len(*after) > 0 {
		t.Errorf("the redirect was followed: %d requests reached %s: %q", len(*after), moved, *after)
	}
	if err == nil {
		t.Fatalf("the operation followed a redirect to %s and succeeded; want a refusal", moved)
	}
	msg := err.Error()
	if !strings.Contains(msg, moved) || !strings.Contains(msg, "update its URL to "+moved) {
		t.Errorf("error %q does not tell the user to update the URL to %s", msg, moved)
	}
	if strings.Contains(msg, token) {
		t.Errorf("error holds the token: %q", msg)
	}
	if git.Transient(err) {
		t.Errorf("a refused redirect is transient (it would be retried): %v", err)
	}
}
