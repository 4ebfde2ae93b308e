package app

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/git/conformance"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/secure"
)

// redirectShapes are the redirects of issue 13's "Done when": to another
// host (another port on 127.0.0.1 is another origin) over http, from
// https to http (the token would cross in clear text) and over https.
var redirectShapes = []struct {
	name                 string
	originTLS, targetTLS bool
}{
	{"http-to-http", false, false},
	{"https-to-http", true, false},
	{"https-to-https", true, true},
}

// TestSyncRedirectCarriesNoToken: a provider lists a repository on its own
// host (so sync sends the provider's token), and that host redirects git
// to another one that serves the repository. `sync --once` and
// `sync --once --mirror` — the first cycle (clone, mirror clone) and a
// later one (pull of the existing clone, fetch of the existing mirror) —
// with both backends and in every redirect shape, must never bring the
// token to the second host.
func TestSyncRedirectCarriesNoToken(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, sh := range redirectShapes {
		for _, backend := range []string{"cli", "go-git"} {
			for _, mirror := range []bool{false, true} {
				for _, existing := range []bool{false, true} {
					name := sh.name + "/" + backend + "/" + map[bool]string{false: "sync", true: "mirror"}[mirror] +
						map[bool]string{false: "-clone", true: "-update"}[existing]
					t.Run(name, func(t *testing.T) {
						t.Parallel()
						rw := conformance.StartRedirectWorld(t, sh.originTLS, sh.targetTLS)
						root := t.TempDir()
						if existing {
							redirectedClone(t, rw, root, mirror)
						}
						env := redirectSyncEnv(t, rw)
						args := []string{"sync", "team/*", "--dir", root, "--once", "--git-backend", backend}
						if mirror {
							args = append(args, "--mirror")
						}
						res := runTrusting(t, bin, rw, env, args...)
						t.Logf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
						rw.CheckNoLeak(t)
					})
				}
			}
		}
	}
}

// runTrusting runs the binary with env and the certificate the redirect
// world trusts (rw.TrustEnv: GIT_SSL_CAINFO for git, SSL_CERT_FILE for
// Go). A process of its own: Go reads SSL_CERT_FILE once per process, and
// an in-process run would depend on whether an earlier test loaded the
// roots first.
func runTrusting(t *testing.T, bin string, rw *conformance.RedirectWorld, env map[string]string, args ...string) result {
	t.Helper()
	r := newRunner(t, bin)
	extra := []string{}
	for k, v := range env {
		extra = append(extra, k+"="+v)
	}
	return r.run(append(extra, rw.TrustEnv...), args...)
}

// redirectSyncEnv configures a provider whose listing names rw's origin
// and whose token is the one the redirect world watches for.
func redirectSyncEnv(t *testing.T, rw *conformance.RedirectWorld) map[string]string {
	t.Helper()
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
	return env
}

// redirectedClone puts a clone (a bare mirror when mirror is set) where
// sync keeps team/app under root, cloned anonymously from the redirect
// target, with its origin set to the redirecting URL: the next sync
// updates it through the redirect.
func redirectedClone(t *testing.T, rw *conformance.RedirectWorld, root string, mirror bool) {
	t.Helper()
	rm, err := workspace.ParseRemote(rw.OriginURL)
	if err != nil {
		t.Fatal(err)
	}
	name := "app"
	if mirror {
		name += ".git"
	}
	dest, err := providerDest(root, provider.Repo{Host: rm.Host, Org: "team", Name: name}, workspace.LayoutHost)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"clone", "-q"}
	if mirror {
		args = append(args, "--mirror")
	}
	gittest.GitEnv(t, "", rw.TrustEnv, append(args, rw.TargetURL+"/team/app.git", dest)...)
	gittest.Git(t, dest, "remote", "set-url", "origin", rw.OriginURL)
	pushUpstream(t, rw)
}

// pushUpstream adds a commit upstream (pushed through the anonymous
// target), so an update has something to fetch: the git CLI backend skips
// git fetch when an in-process ref listing proves nothing changed, and git
// itself must be made to go through the redirect too.
func pushUpstream(t *testing.T, rw *conformance.RedirectWorld) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "upstream")
	gittest.GitEnv(t, "", rw.TrustEnv, "clone", "-q", rw.TargetURL+"/team/app.git", dir)
	gittest.Commit(t, dir, "up.txt", "up\n", "upstream change")
	gittest.GitEnv(t, dir, rw.TrustEnv, "push", "-q", "origin", "HEAD") // gittest.Push, trusting rw's certificate
}

// TestCommandsRedirectCarryNoToken: the one-shot commands through a remote
// that redirects to another host serving the repository: `clone URL`, and
// `fetch DIR` and `pull DIR` of a clone whose origin redirects, with
// MGIT_TOKEN for the origin's host, both backends, every redirect shape.
func TestCommandsRedirectCarryNoToken(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, sh := range redirectShapes {
		for _, backend := range []string{"cli", "go-git"} {
			for _, op := range []string{"clone", "fetch", "pull"} {
				t.Run(sh.name+"/"+backend+"/"+op, func(t *testing.T) {
					t.Parallel()
					rw := conformance.StartRedirectWorld(t, sh.originTLS, sh.targetTLS)
					env := providerTestEnv(t)
					env[secure.EnvBackend] = secure.BackendEnv
					env[credroute.EnvToken] = conformance.RedirectToken
					root := t.TempDir()
					args := []string{op, root, "--git-backend", backend}
					if op == "clone" {
						args = []string{op, rw.OriginURL, root, "--git-backend", backend}
					} else {
						dest := filepath.Join(root, "app")
						gittest.GitEnv(t, "", rw.TrustEnv, "clone", "-q", rw.TargetURL+"/team/app.git", dest)
						gittest.Git(t, dest, "remote", "set-url", "origin", rw.OriginURL)
						pushUpstream(t, rw)
					}
					res := runTrusting(t, bin, rw, env, args...)
					t.Logf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
					rw.CheckNoLeak(t)
				})
			}
		}
	}
}
