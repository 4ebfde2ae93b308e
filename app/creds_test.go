package app

import (
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

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
)

// twoAccounts is one GitHub Enterprise host with two accounts: its API
// lists acme/a to the work token and acme/b to the personal token (ETags,
// counting the conditional requests answered 304 per token), and its git
// server requires the work token for acme/a and the personal one for
// acme/b, as github.com does for two users' private repositories.
type twoAccounts struct {
	git   *gittest.Server // anonymous; reached only through front
	front *httptest.Server
	api   *httptest.Server
	repos map[string]string // token -> repository it owns

	mu         sync.Mutex
	hits304    map[string]int // token -> 304 answers
	gitRefused map[string]int // repository -> 401 answers
}

const (
	workToken     = "work-tok-A-1111"
	personalToken = "personal-tok-B-2222"
)

func newTwoAccounts(t *testing.T) *twoAccounts {
	t.Helper()
	w := &twoAccounts{
		git:        gittest.NewServer(t, gittest.ServerOptions{}),
		repos:      map[string]string{workToken: "acme/a", personalToken: "acme/b"},
		hits304:    map[string]int{},
		gitRefused: map[string]int{},
	}
	for _, name := range w.repos {
		w.git.CreateRepo(t, name)
	}
	backend, err := url.Parse(w.git.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)
	w.front = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		for tok, name := range w.repos {
			if !strings.HasPrefix(r.URL.Path, "/"+name+".git/") {
				continue
			}
			if _, p, ok := r.BasicAuth(); !ok || p != tok {
				w.mu.Lock()
				w.gitRefused[name]++
				w.mu.Unlock()
				rw.Header().Set("WWW-Authenticate", `Basic realm="per-repo"`)
				http.Error(rw, "authentication required", http.StatusUnauthorized)
				return
			}
			proxy.ServeHTTP(rw, r)
			return
		}
		http.NotFound(rw, r)
	}))
	t.Cleanup(w.front.Close)
	w.api = httptest.NewServer(http.HandlerFunc(w.serveAPI))
	t.Cleanup(w.api.Close)
	return w
}

func (w *twoAccounts) serveAPI(rw http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	full, ok := w.repos[tok]
	if !ok {
		rw.WriteHeader(http.StatusUnauthorized)
		_, _ = rw.Write([]byte(`{"message":"Bad credentials"}`))
		return
	}
	if r.URL.Path != "/api/v3/orgs/acme/repos" {
		http.NotFound(rw, r)
		return
	}
	etag := `"` + full + `-v1"`
	if r.Header.Get("If-None-Match") == etag {
		w.mu.Lock()
		w.hits304[tok]++
		w.mu.Unlock()
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	_, name, _ := strings.Cut(full, "/")
	body, _ := json.Marshal([]map[string]any{{
		"name": name, "full_name": full, "owner": map[string]any{"login": "acme"},
		"clone_url": w.front.URL + "/" + full + ".git", "default_branch": "main", "private": true,
	}})
	rw.Header().Set("ETag", etag)
	rw.Header().Set("Content-Type", "application/json")
	_, _ = rw.Write(body)
}

// env is the whole environment of an in-process run: both tokens from
// MGIT_TOKEN_<NAME>, and a configuration naming both accounts on the host.
func (w *twoAccounts) env(t *testing.T) map[string]string {
	t.Helper()
	env := providerTestEnv(t)
	env[secure.EnvBackend] = secure.BackendEnv
	env["MGIT_TOKEN_WORK"] = workToken
	env["MGIT_TOKEN_PERSONAL"] = personalToken
	dir := filepath.Join(env["XDG_CONFIG_HOME"], "mgit")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "config.yaml"), "default_provider: work\nproviders:\n"+
		"  - name: work\n    type: github\n    url: "+w.api.URL+"\n"+
		"  - name: personal\n    type: github\n    url: "+w.api.URL+"\n")
	return env
}

// TestTwoAccountsOnOneHostCloneQuery: clone QUERY lists acme/a through
// "work" and acme/b through "personal", both on one git host, and clones
// both in one plan, each with its own account's token. A lookup by host
// alone would send one account's token for both, and one clone would fail.
func TestTwoAccountsOnOneHostCloneQuery(t *testing.T) {
	t.Parallel()
	w := newTwoAccounts(t)
	env := w.env(t)
	root := t.TempDir()
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			dir := filepath.Join(root, backend)
			code, stdout, stderr := run(t, env, "clone", "acme/*", dir, "--git-backend", backend, "-o", "json")
			if code != 0 {
				t.Fatalf("clone: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			hostDir := strings.ReplaceAll(strings.TrimPrefix(w.front.URL, "http://"), ":", "_")
			for _, name := range []string{"a", "b"} {
				if _, err := os.Stat(filepath.Join(dir, hostDir, "acme", name, "README.md")); err != nil {
					t.Fatalf("acme/%s not cloned: %v\n%s", name, err, stdout)
				}
			}
			for _, tok := range []string{workToken, personalToken} {
				if strings.Contains(stdout+stderr, tok) {
					t.Fatalf("a token reached the output:\n%s%s", stdout, stderr)
				}
			}
		})
	}
}

// TestRepeatedListAnswersFromCache: the second `mgit list` of each account
// is a conditional request answered 304 and served from the discovery
// cache, which keeps one entry per account for the same URL.
func TestRepeatedListAnswersFromCache(t *testing.T) {
	t.Parallel()
	w := newTwoAccounts(t)
	env := w.env(t)
	for i := range 2 {
		code, stdout, stderr := run(t, env, "list", "acme/*", "-o", "json")
		if code != 0 || !strings.Contains(stdout, `"acme/a"`) || !strings.Contains(stdout, `"acme/b"`) {
			t.Fatalf("list %d: exit %d\nstdout: %s\nstderr: %s", i+1, code, stdout, stderr)
		}
	}
	w.mu.Lock()
	hits := map[string]int{workToken: w.hits304[workToken], personalToken: w.hits304[personalToken]}
	w.mu.Unlock()
	if hits[workToken] != 1 || hits[personalToken] != 1 {
		t.Fatalf("304 answers per account = %v; want one each on the second list", hits)
	}
	files, err := filepath.Glob(filepath.Join(env["XDG_CACHE_HOME"], "mgit", "listings", "*"))
	if err != nil || len(files) != 2 {
		t.Fatalf("cache entries = %v (%v); want one per account", files, err)
	}
	for _, f := range files {
		if data := mustRead(t, f); strings.Contains(data, workToken) || strings.Contains(data, personalToken) {
			t.Fatalf("%s holds a token", f)
		}
	}
}

// TestCredentialsForRepository: a listed repository gets its provider's
// token when it is on that provider's host; a repository found on disk on
// a host several providers serve gets the token of the one owning its
// path, else the default's; elsewhere no answer (the engine then asks by
// host); one whose listing points at another machine gets a definite
// "none".
func TestCredentialsForRepository(t *testing.T) {
	cfg := &config.Config{DefaultProvider: "work", Providers: []config.Provider{
		{Name: "personal", Type: "github", Owners: []string{"octo", "octo-labs"}},
		{Name: "work", Type: "github", Org: "acme"},
		{Name: "spare", Type: "github", Org: "spareorg"},
	}}
	c := credsTestCLI(t, cfg, map[string]string{
		secure.EnvBackend: secure.BackendEnv,
		"MGIT_TOKEN_WORK": "work-token-1", "MGIT_TOKEN_PERSONAL": "personal-token-2",
		"MGIT_TOKEN": "fallback-token-3",
	})
	pc := c.credentials()
	cases := []struct {
		repo engine.Repo
		ok   bool
		pass string
	}{
		{engine.Repo{Provider: "work", Host: "github.com"}, true, "work-token-1"},
		{engine.Repo{Provider: "Personal", Host: "GitHub.com"}, true, "personal-token-2"},
		// spare has no token: MGIT_TOKEN, never another account's.
		{engine.Repo{Provider: "spare", Host: "github.com"}, true, "fallback-token-3"},
		// Found on disk on a host the three share: the provider whose org
		// or owners name the remote's owner, else the default.
		{engine.Repo{Host: "github.com"}, true, "work-token-1"},
		{engine.Repo{Host: "github.com", URL: "https://github.com/Octo-Labs/x.git"}, true, "personal-token-2"},
		{engine.Repo{Host: "github.com", URL: "https://github.com/acme/x"}, true, "work-token-1"},
		{engine.Repo{Host: "github.com", URL: "https://github.com/stranger/x"}, true, "work-token-1"},
		// spare owns it but has no token: MGIT_TOKEN, never work's.
		{engine.Repo{Host: "github.com", URL: "https://github.com/spareorg/x"}, true, "fallback-token-3"},
		// A host no provider serves: no answer, the engine asks by host.
		{engine.Repo{Host: "gitlab.com", URL: "https://gitlab.com/octo/x"}, false, ""},
		// Listed on another host: a definite no, so the engine does not
		// fall back to MGIT_TOKEN by host.
		{engine.Repo{Provider: "personal", Host: "evil.example"}, true, ""},
		{engine.Repo{Provider: "unknown", Host: "github.com"}, false, ""},
	}
	for _, tc := range cases {
		cred, ok := pc.CredentialsFor(tc.repo)
		if ok != tc.ok || cred.Password != tc.pass {
			t.Errorf("CredentialsFor(%+v) = %q, %v; want %q, %v", tc.repo, cred.Password, ok, tc.pass, tc.ok)
		}
	}
	// By host, the default account still answers.
	if cred, ok := pc.Credentials("github.com"); !ok || cred.Password != "work-token-1" {
		t.Errorf("Credentials(github.com) = %q, %v", cred.Password, ok)
	}
}

// TestHelpNamesEveryKind: the help that lists provider kinds and their
// token variables in prose names every row of engine/provider's kind
// table, so a new kind cannot be forgotten there.
func TestHelpNamesEveryKind(t *testing.T) {
	env := providerTestEnv(t)
	_, root, _ := run(t, env, "--help")
	_, login, _ := run(t, env, "login", "--help")
	_, syncHelp, _ := run(t, env, "sync", "--help")
	for _, k := range provider.Kinds() {
		for _, v := range k.TokenEnv {
			if !strings.Contains(root, v) {
				t.Errorf("mgit --help does not name %s's variable %s", k.Kind, v)
			}
		}
		if !strings.Contains(login, k.Kind) || !strings.Contains(syncHelp, k.Kind) {
			t.Errorf("login or sync --help does not name the kind %s", k.Kind)
		}
	}
}
