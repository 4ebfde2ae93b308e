package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/conformance"
	"github.com/mgit-dev/mgit/secure"
)

// TestSyncRedirectCarriesNoToken: a provider lists a repository on its own
// host (so sync sends the provider's token), and that host redirects git
// to another one that serves the repository. `sync --once` and
// `sync --once --mirror`, with both backends, must never bring the token
// to the second host.
func TestSyncRedirectCarriesNoToken(t *testing.T) {
	for _, backend := range []string{"cli", "go-git"} {
		for _, mirror := range []bool{false, true} {
			name := backend
			if mirror {
				name += "/mirror"
			}
			t.Run(name, func(t *testing.T) {
				rw := conformance.NewRedirectWorld(t, false, false)
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/api/v3/orgs/team/repos" {
						http.NotFound(w, r)
						return
					}
					_ = json.NewEncoder(w).Encode([]map[string]any{{"name": "app", "full_name": "team/app",
						"owner": map[string]any{"login": "team"}, "clone_url": rw.OriginURL, "default_branch": "main"}})
				}))
				t.Cleanup(api.Close)
				env := providerTestEnv(t)
				env[secure.EnvBackend] = secure.BackendEnv
				env["MGIT_TOKEN_GH"] = conformance.RedirectToken
				dir := filepath.Join(env["XDG_CONFIG_HOME"], "mgit")
				if err := os.MkdirAll(dir, 0o700); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, "config.yaml"), "providers:\n  - name: gh\n    type: github\n    url: "+api.URL+"\n")
				args := []string{"sync", "team/*", "--dir", t.TempDir(), "--once", "--git-backend", backend}
				if mirror {
					args = append(args, "--mirror")
				}
				code, stdout, stderr := run(t, env, args...)
				t.Logf("exit %d\n%s%s", code, stdout, stderr)
				rw.CheckNoLeak(t)
			})
		}
	}
}
