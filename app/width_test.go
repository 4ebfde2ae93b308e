package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/secure"
)

// fitsIn fails unless every line of out is at most width columns.
func fitsIn(t *testing.T, what, out string, width int) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if w := uniseg.StringWidth(l); w > width {
			t.Errorf("%s: %d columns, over %d: %q", what, w, width, l)
		}
	}
}

// TestStatusAndListFitColumns: `mgit status --no-tui` and `mgit list` fit
// their tables to COLUMNS, and print every column in full without it (the
// test's stdout is no terminal: a pipe or a CI log gets whole rows).
func TestStatusAndListFitColumns(t *testing.T) {
	t.Parallel()
	ws := t.TempDir()
	repo := filepath.Join(ws, "github.com", "acme", "a-repository-with-a-rather-long-name")
	gittest.InitRepo(t, repo)
	gittest.Commit(t, repo, "f.txt", "x\n", "A commit subject long enough to need shortening on a narrow terminal")
	gittest.Git(t, repo, "checkout", "-q", "-b", "feature/some-branch-name")

	code, full, stderr := run(t, map[string]string{}, "status", "--no-tui", "--all", ws)
	if code != 0 || !strings.Contains(full, "LAST COMMIT") || !strings.Contains(full, "narrow terminal") {
		t.Fatalf("status without COLUMNS: exit %d\n%s%s", code, full, stderr)
	}
	_, narrow, _ := run(t, map[string]string{"COLUMNS": "70"}, "status", "--no-tui", "--all", ws)
	fitsIn(t, "status at 70", narrow, 70)
	if strings.Contains(narrow, "LAST COMMIT") || !strings.Contains(narrow, "a-repository-with-a-rather-long-name") {
		t.Errorf("status at 70 columns should drop the last commit and keep the path:\n%s", narrow)
	}

	var api *httptest.Server
	api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/orgs/acme/repos" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode([]map[string]any{{"name": "a-repository-with-a-rather-long-name",
			"full_name": "acme/a-repository-with-a-rather-long-name", "owner": map[string]any{"login": "acme"},
			"clone_url": api.URL + "/acme/x.git", "default_branch": "release/a-long-branch-name",
			"private": true}})
	}))
	t.Cleanup(api.Close)
	env := providerTestEnv(t)
	env[secure.EnvBackend] = secure.BackendEnv
	env["MGIT_TOKEN_GH"] = "width-test-token"
	dir := filepath.Join(env["XDG_CONFIG_HOME"], "mgit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "config.yaml"), "providers:\n  - name: gh\n    type: github\n    url: "+api.URL+"\n")
	code, full, stderr = run(t, env, "list", "acme/*")
	if code != 0 || !strings.Contains(full, "PROVIDER") || !strings.Contains(full, "release/a-long-branch-name  private") {
		t.Fatalf("list without COLUMNS: exit %d\n%s%s", code, full, stderr)
	}
	env["COLUMNS"] = "60"
	_, narrow, _ = run(t, env, "list", "acme/*")
	fitsIn(t, "list at 60", narrow, 60)
	if strings.Contains(narrow, "PROVIDER") || !strings.Contains(narrow, "acme/a-repository-with-a-rather-long-name") {
		t.Errorf("list at 60 columns should drop the provider and keep the name:\n%s", narrow)
	}
}
