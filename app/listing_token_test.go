package app

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/secure"
)

// TestListingChoosesNoTokenHost: a provider's listing names a clone URL on
// another host (localhost, while the provider is 127.0.0.1). The
// repository is public there and clones anonymously; neither the
// provider's token nor MGIT_TOKEN may follow the listing to it — for clone
// QUERY and sync, with both backends.
func TestListingChoosesNoTokenHost(t *testing.T) {
	t.Parallel()
	const apiToken, fallback = "listing-api-token-31", "listing-fallback-token-32"
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "acme/app")
	backend, err := url.Parse(srv.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)
	var mu sync.Mutex
	var hits int
	var leaks []string
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		h := r.Header.Get("Authorization")
		if raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h, "Basic ")); err == nil {
			h += " " + string(raw)
		}
		for _, tok := range []string{apiToken, fallback} {
			if strings.Contains(h, tok) {
				leaks = append(leaks, r.Method+" "+r.URL.Path)
			}
		}
		mu.Unlock()
		r.Header.Del("Authorization")
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(foreign.Close)
	cloneURL := strings.Replace(foreign.URL, "127.0.0.1", "localhost", 1) + "/acme/app.git"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiToken || r.URL.Path != "/api/v3/orgs/acme/repos" {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode([]map[string]any{{"name": "app", "full_name": "acme/app",
			"owner": map[string]any{"login": "acme"}, "clone_url": cloneURL, "default_branch": "main"}})
	}))
	t.Cleanup(api.Close)

	env := providerTestEnv(t)
	env[secure.EnvBackend] = secure.BackendEnv
	env["MGIT_TOKEN_EVIL"] = apiToken
	env[credroute.EnvToken] = fallback
	dir := filepath.Join(env["XDG_CONFIG_HOME"], "mgit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "config.yaml"), "providers:\n  - name: evil\n    type: github\n    url: "+api.URL+"\n")

	for _, backend := range []string{"cli", "go-git"} {
		for _, cmd := range []string{"clone", "sync"} {
			t.Run(backend+"/"+cmd, func(t *testing.T) {
				root := t.TempDir()
				args := []string{cmd, "acme/*", root, "--git-backend", backend}
				if cmd == "sync" {
					args = []string{cmd, "acme/*", "--dir", root, "--once", "--git-backend", backend}
				}
				mu.Lock()
				hits, leaks = 0, nil
				mu.Unlock()
				code, stdout, stderr := run(t, env, args...)
				mu.Lock()
				defer mu.Unlock()
				if hits == 0 {
					t.Fatalf("the foreign host was never asked (exit %d): the test proves nothing\n%s%s", code, stdout, stderr)
				}
				if len(leaks) > 0 {
					t.Errorf("a token followed the listing to %s: %v", cloneURL, leaks)
				}
				if code != 0 {
					t.Errorf("exit %d: the public repository should clone anonymously\n%s%s", code, stdout, stderr)
				}
			})
		}
	}
}
