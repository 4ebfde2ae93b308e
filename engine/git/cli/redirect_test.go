package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestHeaderStaysOnItsOrigin: the Authorization header is scoped to the
// remote's origin, so a server that redirects elsewhere (another port is
// another origin) does not hand our token to the redirect target.
func TestHeaderStaysOnItsOrigin(t *testing.T) {
	gittest.Isolate(t)
	var mu sync.Mutex
	var leaked, hits, sent int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		if r.Header.Get("Authorization") != "" {
			leaked++
		}
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="other"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if r.Header.Get("Authorization") != "" {
			sent++
		}
		mu.Unlock()
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer origin.Close()

	err := New().Clone(context.Background(), origin.URL+"/r.git", filepath.Join(t.TempDir(), "d"),
		git.CloneOptions{Auth: git.Credentials{Username: "u", Password: "redirect-secret"}})
	if err == nil {
		t.Fatal("clone through a redirect to a 401 server succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	if hits == 0 || sent == 0 {
		t.Fatal("the header was not sent to the origin or the redirect was not followed; the test proves nothing")
	}
	if leaked > 0 {
		t.Errorf("%d requests to the redirect target carried Authorization", leaked)
	}
}
