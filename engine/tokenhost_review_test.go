package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// hostCreds hands out one token, for one host only, as app's sources do.
type hostCreds struct{ host, token string }

func (h hostCreds) Credentials(host string) (git.Credentials, bool) {
	if host != h.host {
		return git.Credentials{}, false
	}
	return git.Credentials{Username: "x-access-token", Password: h.token}, true
}

// spy records every Authorization header it receives.
func spy(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var seen []string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if a := r.Header.Get("Authorization"); a != "" {
			seen = append(seen, a)
		}
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="spy"`)
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	t.Cleanup(s.Close)
	return s, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}

// TestTokenOfOriginHostNeverReachesAnotherRemote: the app picks the token
// by the host of remote.origin.url (app/plan.go: workspace.OriginURL), but
// the cli backend scopes it to the URL git will fetch from — the current
// branch's remote (branch.<b>.remote), or the URL after url.<x>.insteadOf
// rewriting. When those name another host (a mirror, a fork on another
// forge, a corporate insteadOf), the origin host's token was sent there:
// the spy received "Authorization: Basic <token>".
func TestTokenOfOriginHostNeverReachesAnotherRemote(t *testing.T) {
	gittest.Isolate(t)
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir, spyURL string)
	}{
		{"branch tracks a remote on another host", func(t *testing.T, dir, spyURL string) {
			gittest.Git(t, dir, "remote", "add", "mirror", spyURL+"/r.git")
			gittest.Git(t, dir, "config", "branch.main.remote", "mirror")
		}},
		{"insteadOf rewrites origin to another host", func(t *testing.T, dir, spyURL string) {
			origin := gittest.Git(t, dir, "config", "remote.origin.url")
			u, _ := url.Parse(origin)
			gittest.Git(t, dir, "config", "url."+spyURL+"/.insteadOf", u.Scheme+"://"+u.Host+"/")
		}},
	} {
		for bname, be := range backends(t) {
			t.Run(bname+"/"+tc.name, func(t *testing.T) {
				t.Parallel() // servers of its own; the parent's Isolate holds until all are done
				srv := gittest.NewServer(t, gittest.ServerOptions{Token: "s3cret"})
				srv.CreateRepo(t, "r")
				dir := filepath.Join(t.TempDir(), "r")
				gittest.CloneAuth(t, srv.URL("r"), dir, "x-access-token", "s3cret")
				s, seen := spy(t)
				tc.setup(t, dir, s.URL)
				originHost, _ := url.Parse(srv.URL("r"))
				e := New(Config{Backend: be, Credentials: hostCreds{host: originHost.Host, token: "s3cret"}, LockDir: t.TempDir()})
				e.Submit(context.Background(), Plan{Jobs: []Job{{Op: OpFetch, Repo: Repo{ID: "r", Path: dir, Host: originHost.Host}}}})
				for ev := range e.Events() {
					if _, ok := ev.(RunFinished); ok {
						break
					}
				}
				e.Close()
				if got := seen(); len(got) > 0 {
					t.Fatalf("the token for %s reached another host: %q", originHost.Host, got)
				}
			})
		}
	}
}
