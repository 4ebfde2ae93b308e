package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/secure"
)

// TestDisabledReposLeftOut is issue 13's "disabled repositories cannot be
// cloned, so every clone and sync --once of such an org exits 1": a
// provider lists a live repository and a disabled one (whose clone URL
// serves nothing). list, clone QUERY and sync --once leave the disabled
// one out and exit 0; list --include-disabled shows it.
func TestDisabledReposLeftOut(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "acme/live")
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/orgs/acme/repos" {
			http.NotFound(w, r)
			return
		}
		repo := func(name string, disabled bool) map[string]any {
			return map[string]any{"name": name, "full_name": "acme/" + name, "owner": map[string]any{"login": "acme"},
				"clone_url": srv.URL("acme/" + name), "default_branch": "main", "disabled": disabled}
		}
		_ = json.NewEncoder(w).Encode([]map[string]any{repo("live", false), repo("frozen", true)})
	}))
	t.Cleanup(api.Close)
	env := providerTestEnv(t)
	env[secure.EnvBackend] = secure.BackendEnv
	env["MGIT_TOKEN_GH"] = "disabled-test-token"
	dir := filepath.Join(env["XDG_CONFIG_HOME"], "mgit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "config.yaml"), "providers:\n  - name: gh\n    type: github\n    url: "+api.URL+"\n")

	if code, stdout, stderr := run(t, env, "list", "acme/*"); code != 0 || !strings.Contains(stdout, "acme/live") || strings.Contains(stdout, "frozen") {
		t.Fatalf("list: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, stderr := run(t, env, "list", "acme/*", "--include-disabled"); code != 0 || !strings.Contains(stdout, "acme/frozen") {
		t.Fatalf("list --include-disabled: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, args := range [][]string{
		{"clone", "acme/*", t.TempDir()},
		{"sync", "acme/*", "--dir", t.TempDir(), "--once"},
	} {
		code, stdout, stderr := run(t, env, args...)
		if code != 0 || strings.Contains(stdout, "frozen") {
			t.Errorf("%s: exit %d\n%s%s", args[0], code, stdout, stderr)
		}
	}
}
