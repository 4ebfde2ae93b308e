package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestSyncFromEnvironmentEndToEnd: the container case. No config file, no
// login: the provider's kind and URL come from MGIT_PROVIDER /
// MGIT_PROVIDER_URL (or --provider-kind / --provider-url) and the token
// from the environment, against a fake GitHub Enterprise API on 127.0.0.1
// whose clone URLs need the same token.
func TestSyncFromEnvironmentEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const token = "ghe-env-T0KEN-5a4b3c2d"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	for _, n := range []string{"app", "lib", "old"} {
		git.CreateRepo(t, "acme/"+n)
	}
	api := newFakeGHE(t, token, git, "app", "lib", "old")
	base := t.TempDir()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		r.env = append(r.env, k+"="+filepath.Join(base, strings.ToLower(k)))
	}
	r.env = append(r.env, "MGIT_KEYRING_BACKEND=env")
	cloned := func(dir string) []string {
		t.Helper()
		var out []string
		for _, n := range []string{"app", "lib", "old"} {
			// <dir>/<host>/acme/<repo>; the host directory has the port.
			if m, _ := filepath.Glob(filepath.Join(dir, "*", "acme", n, ".git")); len(m) == 1 {
				out = append(out, n)
			}
		}
		return out
	}

	// Environment only.
	dir := filepath.Join(t.TempDir(), "env")
	res := r.run([]string{"MGIT_PROVIDER=github", "MGIT_PROVIDER_URL=" + api.srv.URL, "GH_ENTERPRISE_TOKEN=" + token},
		"sync", "acme/*", "--once", "--no-tui", "--dir", dir)
	if res.code != 0 {
		t.Fatalf("sync from the environment: exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	if got := strings.Join(cloned(dir), ","); got != "app,lib" {
		t.Errorf("cloned %q, want app,lib (old is archived)", got)
	}

	// Flags, with the token in MGIT_TOKEN_<KIND>.
	dir = filepath.Join(t.TempDir(), "flags")
	res = r.run([]string{"MGIT_TOKEN_GITHUB=" + token},
		"sync", "acme/*", "--once", "--no-tui", "--dir", dir, "--provider-kind", "github", "--provider-url", api.srv.URL)
	if res.code != 0 || strings.Join(cloned(dir), ",") != "app,lib" {
		t.Fatalf("sync with --provider-kind: exit %d, cloned %v\nstderr: %s", res.code, cloned(dir), res.stderr)
	}

	// A github.com token (GITHUB_TOKEN) is never sent to a self-hosted
	// server: no token for this provider, exit 3, nothing requested.
	api.mu.Lock()
	before := len(api.authHdr)
	api.mu.Unlock()
	res = r.run([]string{"MGIT_PROVIDER=github", "MGIT_PROVIDER_URL=" + api.srv.URL, "GITHUB_TOKEN=" + token},
		"sync", "acme/*", "--once", "--no-tui", "--dir", t.TempDir())
	if res.code != 3 {
		t.Errorf("GITHUB_TOKEN for a GitHub Enterprise URL: exit %d, want 3\n%s", res.code, res.stderr)
	}
	api.mu.Lock()
	after := len(api.authHdr)
	api.mu.Unlock()
	if after != before {
		t.Errorf("the server got %d requests without a token of its own", after-before)
	}

	for _, c := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"url without kind", []string{"MGIT_PROVIDER_URL=" + api.srv.URL, "MGIT_TOKEN_GITHUB=" + token}, nil, "without a provider kind"},
		{"unknown kind", []string{"MGIT_PROVIDER=gitbucket", "MGIT_TOKEN_GITBUCKET=" + token}, nil, "MGIT_PROVIDER to one of"},
		{"http to a foreign host", []string{"MGIT_PROVIDER=gitea", "MGIT_PROVIDER_URL=http://git.example.com", "GITEA_TOKEN=" + token}, nil, "clear text"},
		{"both --provider and --provider-kind", []string{"MGIT_TOKEN_GITHUB=" + token}, []string{"--provider", "x", "--provider-kind", "github"}, "not both"},
		{"nothing at all", nil, nil, "no provider configured"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"sync", "acme/*", "--once", "--no-tui", "--dir", t.TempDir()}, c.args...)
			res := r.run(c.env, args...)
			if res.code != 2 || !strings.Contains(res.stderr, c.want) {
				t.Errorf("exit %d, stderr lacks %q:\n%s", res.code, c.want, res.stderr)
			}
		})
	}
	for _, out := range r.outputs {
		if strings.Contains(out, token) {
			t.Fatal("the token appears in mgit's output")
		}
	}
}
