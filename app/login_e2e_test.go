package app

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// fakeGHE is a GitHub Enterprise Server REST API on 127.0.0.1: /api/v3/user
// and /api/v3/orgs/acme/repos (two pages, ETags), whose clone URLs point
// at a gittest smart-HTTP server requiring the same token.
type fakeGHE struct {
	srv     *httptest.Server
	token   atomic.Value // string: the token the API accepts
	mu      sync.Mutex
	repos   []map[string]any
	hits304 int
	authHdr []string // every Authorization header seen
}

func newFakeGHE(t *testing.T, token string, git *gittest.Server, names ...string) *fakeGHE {
	f := &fakeGHE{}
	f.token.Store(token)
	for i, n := range names {
		f.repos = append(f.repos, map[string]any{
			"name": n, "full_name": "acme/" + n, "owner": map[string]any{"login": "acme"},
			"clone_url": git.URL("acme/" + n), "ssh_url": "git@127.0.0.1:acme/" + n + ".git",
			"default_branch": "main", "archived": n == "old", "fork": false, "private": true,
			"size": 12 + i, "pushed_at": "2026-01-02T03:04:05Z",
		})
	}
	// Started only once f.srv is set: serve reads f.srv.URL.
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Start()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGHE) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.authHdr = append(f.authHdr, r.Header.Get("Authorization"))
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+f.token.Load().(string) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"Bad credentials"}`))
		return
	}
	switch {
	case r.URL.Path == "/api/v3/user":
		w.Header().Set("X-OAuth-Scopes", "repo, read:org")
		_, _ = w.Write([]byte(`{"login":"octo"}`))
	case r.URL.Path == "/api/v3/orgs/acme/repos":
		page := r.URL.Query().Get("page")
		f.mu.Lock()
		repos := f.repos
		f.mu.Unlock()
		half := (len(repos) + 1) / 2
		body := repos[:half]
		if page == "2" {
			body = repos[half:]
		} else {
			w.Header().Set("Link", fmt.Sprintf(`<%s/api/v3/orgs/acme/repos?per_page=100&type=all&page=2>; rel="next"`, f.srv.URL))
		}
		data, _ := json.Marshal(body)
		etag := fmt.Sprintf(`"p%s-%d"`, page, len(data))
		if r.Header.Get("If-None-Match") == etag {
			f.mu.Lock()
			f.hits304++
			f.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(data)
	default:
		http.NotFound(w, r)
	}
}

func (r *mgitRunner) runStdin(stdin string, extraEnv []string, args ...string) result {
	r.t.Helper()
	cmd, out, errb := r.command(extraEnv, args...)
	cmd.Stdin = strings.NewReader(stdin)
	_ = cmd.Run()
	r.outputs = append(r.outputs, out.String(), errb.String())
	return result{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
}

// TestLoginListCloneEndToEnd: login --token-stdin against a fake GitHub
// Enterprise, list, clone QUERY, fetch --query; afterwards the token is in
// no output and no file mgit or git wrote (config, cache, state, clones).
func TestLoginListCloneEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const token = "ghe-e2e-T0KEN-9f8e7d6c"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	for _, n := range []string{"app", "lib", "old"} {
		git.CreateRepo(t, "acme/"+n)
	}
	api := newFakeGHE(t, token, git, "app", "lib", "old")

	base := t.TempDir()
	dirs := map[string]string{}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		dirs[k] = filepath.Join(base, strings.ToLower(k))
		r.env = append(r.env, k+"="+dirs[k])
	}
	r.env = append(r.env, "MGIT_KEYRING_BACKEND=file", "MGIT_KEYRING_PASSWORD=e2e-keyring-pw")

	// A wrong token is refused with exit 3 and stored nowhere.
	res := r.runStdin("wrong-token-123\n", nil, "login", "--provider", "github", "--name", "ghe", "--url", api.srv.URL, "--token-stdin")
	if res.code != 3 || !strings.Contains(res.stderr, "token not accepted") {
		t.Fatalf("login with a bad token: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dirs["XDG_CONFIG_HOME"], "mgit", "config.yaml")); !os.IsNotExist(err) {
		t.Fatalf("config written after a failed login: %v", err)
	}

	res = r.runStdin(token+"\n", nil, "login", "--provider", "github", "--name", "ghe", "--url", api.srv.URL, "--token-stdin")
	if res.code != 0 || !strings.Contains(res.stdout, "as octo") || !strings.Contains(res.stdout, "file keyring") {
		t.Fatalf("login: exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	cfgFile := filepath.Join(dirs["XDG_CONFIG_HOME"], "mgit", "config.yaml")
	if fi, err := os.Stat(cfgFile); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v %v", fi, err)
	}

	res = r.run(nil, "config", "list")
	if res.code != 0 || !strings.Contains(res.stdout, "ghe (default)") || !strings.Contains(res.stdout, "keyring file") {
		t.Fatalf("config list: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// list: archived left out, then included; NDJSON shape.
	res = r.run(nil, "list", "acme/*")
	if res.code != 0 || !strings.Contains(res.stdout, "acme/app") || !strings.Contains(res.stdout, "acme/lib") || strings.Contains(res.stdout, "acme/old") {
		t.Fatalf("list: exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	res = r.run(nil, "list", "acme/*", "--include-archived", "-o", "json")
	objs := ndjson(t, res.stdout)
	if res.code != 0 || len(objs) != 4 {
		t.Fatalf("list json: exit %d, %d objects\n%s%s", res.code, len(objs), res.stdout, res.stderr)
	}
	hasKeys(t, objs[0], "type", "provider", "full_name", "clone_url", "default_branch", "archived", "fork")
	if objs[0]["provider"] != "ghe" || objs[0]["full_name"] != "acme/app" || objs[0]["clone_url"] != git.URL("acme/app") {
		t.Fatalf("repo object: %v", objs[0])
	}
	api.mu.Lock()
	cached := api.hits304
	api.mu.Unlock()
	if cached == 0 {
		t.Fatal("second listing made no conditional request answered 304")
	}

	// clone QUERY lays repositories out by host/org/repo.
	root := filepath.Join(r.dir, "src")
	res = r.run(nil, "clone", "acme/*", root, "-o", "json")
	if res.code != 0 {
		t.Fatalf("clone query: exit %d\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	hostDir := strings.ReplaceAll(strings.TrimPrefix(git.URL(""), "http://"), ":", "_")
	hostDir = strings.TrimSuffix(hostDir, "/.git")
	for _, n := range []string{"app", "lib"} {
		if _, err := os.Stat(filepath.Join(root, hostDir, "acme", n, "README.md")); err != nil {
			t.Fatalf("clone of %s missing: %v\n%s", n, err, res.stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(root, hostDir, "acme", "old")); !os.IsNotExist(err) {
		t.Fatalf("archived repository cloned: %v", err)
	}

	// fetch --query narrows to one repository; the token reaches git by host.
	res = r.run(nil, "fetch", root, "--query", "acme/app", "-o", "json")
	objs = ndjson(t, res.stdout)
	if sum := objs[len(objs)-1]; res.code != 0 || sum["ok"] != float64(1) || sum["failed"] != float64(0) {
		t.Fatalf("fetch --query: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// A revoked token: exit 3 and the advice to log in again.
	api.token.Store("rotated-token-xyz")
	res = r.run(nil, "list", "acme/*")
	if res.code != 3 || !strings.Contains(res.stderr, "mgit login --name ghe") {
		t.Fatalf("list with a revoked token: exit %d\n%s", res.code, res.stderr)
	}

	// logout deletes the token, keeps the entry.
	res = r.run(nil, "logout", "ghe")
	if res.code != 0 || !strings.Contains(res.stdout, "Deleted the token of ghe") {
		t.Fatalf("logout: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res = r.run(nil, "config", "show", "ghe"); res.code != 0 || !strings.Contains(res.stdout, "token:") {
		t.Fatalf("config show after logout: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	if os.Getenv("MGIT_E2E_SHOW") != "" {
		for _, o := range r.outputs {
			t.Log(o)
		}
	}
	// The token is nowhere: outputs, the config, cache, state and data
	// directories, and every file of the clones (.git/config included).
	for i, o := range r.outputs {
		if strings.Contains(o, token) {
			t.Errorf("output %d contains the token:\n%s", i, o)
		}
	}
	searched := 0
	for _, d := range []string{dirs["XDG_CONFIG_HOME"], dirs["XDG_CACHE_HOME"], dirs["XDG_STATE_HOME"], dirs["XDG_DATA_HOME"], root} {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			data, rerr := os.ReadFile(p)
			if rerr != nil {
				t.Errorf("read %s: %v", p, rerr)
				return nil
			}
			searched++
			if strings.Contains(string(data), token) {
				t.Errorf("%s contains the token", p)
			}
			return nil
		})
	}
	cacheFiles, _ := filepath.Glob(filepath.Join(dirs["XDG_CACHE_HOME"], "mgit", "listings", "*"))
	if len(cacheFiles) == 0 || searched < 10 {
		t.Fatalf("nothing to search: %d cache files, %d files", len(cacheFiles), searched)
	}
	if !strings.Contains(mustRead(t, filepath.Join(root, hostDir, "acme", "app", ".git", "config")), git.URL("acme/app")) {
		t.Fatal(".git/config lacks the plain clone URL")
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
