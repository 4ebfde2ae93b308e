package app

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestRejectedTokenHintNamesSource is issue 13's "a rejected provider
// token during fetch says 'set MGIT_TOKEN'" through the binary: a local
// clone of a token-checking server is fetched with a token the server
// refuses, and the hint (text and the JSON hint field) names the provider,
// where its token came from and `mgit login --name work`; without any
// credentials it names the host and MGIT_TOKEN.
func TestRejectedTokenHintNamesSource(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const good, stale = "good-git-token-7531", "stale-keyring-token-8642"
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: good})
	srv.CreateRepo(t, "acme/app")
	ws := filepath.Join(r.dir, "ws")
	srv.CloneCreated(t, "acme/app", filepath.Join(ws, "app"))
	host := strings.TrimPrefix(srv.URL(""), "http://")
	host = strings.TrimSuffix(host, "/.git")
	// The API accepts the stale token (login succeeds and stores it); git
	// refuses it, as it refuses a token revoked or lacking repository access.
	api := newFakeGHE(t, stale, srv, "app")
	keyring := []string{"MGIT_KEYRING_BACKEND=file", "MGIT_KEYRING_PASSWORD=hint-test-keyring-pw",
		"XDG_DATA_HOME=" + filepath.Join(r.dir, "data")}
	cfg := filepath.Join(r.dir, "mgit.yaml")
	if res := r.runStdin(stale+"\n", keyring, "login", "--provider", "github", "--name", "work",
		"--url", api.srv.URL, "--token-stdin", "--config", cfg); res.code != 0 {
		t.Fatalf("login: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	empty := writeFile(t, filepath.Join(r.dir, "empty.yaml"), "concurrency: 2\n")
	cases := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"keyring", keyring, []string{"--config", cfg},
			[]string{"provider work", "from the file keyring", "rejected by " + host, "mgit login --name work"}},
		{"env", append([]string{"MGIT_TOKEN_WORK=" + stale}, keyring...), []string{"--config", cfg},
			[]string{"provider work", "from $MGIT_TOKEN_WORK", "rejected by " + host, "mgit login --name work"}},
		{"none", nil, []string{"--config", empty},
			[]string{"no credentials for " + host, "MGIT_TOKEN"}},
		{"mgit-token", []string{"MGIT_TOKEN=" + stale}, []string{"--config", empty},
			[]string{"$MGIT_TOKEN was rejected by " + host}},
	}
	for _, backend := range []string{"cli", "go-git"} {
		for _, tc := range cases {
			t.Run(backend+"/"+tc.name, func(t *testing.T) {
				args := append([]string{"fetch", ws, "--git-backend", backend}, tc.args...)
				res := r.run(tc.env, args...)
				if res.code != 3 {
					t.Fatalf("fetch: exit %d, want 3 (auth)\n%s%s", res.code, res.stdout, res.stderr)
				}
				for _, w := range tc.want {
					if !strings.Contains(res.stdout, w) {
						t.Errorf("text output lacks %q:\n%s", w, res.stdout)
					}
				}
				if strings.Contains(res.stdout, "set MGIT_TOKEN (or log in)") {
					t.Errorf("the generic hint is still shown:\n%s", res.stdout)
				}
				res = r.run(tc.env, append(args, "-o", "json")...)
				hint := ""
				for _, obj := range ndjson(t, res.stdout) {
					if obj["type"] == "op" && obj["op"] == "fetch" {
						hint, _ = obj["hint"].(string)
					}
				}
				for _, w := range tc.want {
					if !strings.Contains(hint, w) {
						t.Errorf("JSON hint %q lacks %q", hint, w)
					}
				}
			})
		}
	}
	for _, out := range r.outputs {
		if strings.Contains(out, stale) || strings.Contains(out, good) {
			t.Fatalf("a token reached the output:\n%s", out)
		}
	}
}

// orgTokenServer is one git host serving two organisations' repositories,
// each readable only with its own token (two accounts on github.com). It
// records every request that carried the other organisation's token.
type orgTokenServer struct {
	git    *gittest.Server
	front  *httptest.Server
	tokens map[string]string // organisation -> token

	mu      sync.Mutex
	crossed []string // "<org> got <other org>'s token"
}

func newOrgTokenServer(t *testing.T, tokens map[string]string) *orgTokenServer {
	t.Helper()
	s := &orgTokenServer{git: gittest.NewServer(t, gittest.ServerOptions{}), tokens: tokens}
	backend, err := url.Parse(s.git.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)
	s.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		want, ok := s.tokens[org]
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, p, _ := r.BasicAuth()
		for other, tok := range s.tokens {
			if other != org && p == tok && p != want {
				s.mu.Lock()
				s.crossed = append(s.crossed, org+" got "+other+"'s token")
				s.mu.Unlock()
			}
		}
		if p != want {
			w.Header().Set("WWW-Authenticate", `Basic realm="org"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(s.front.Close)
	return s
}

func (s *orgTokenServer) URL(name string) string { return s.front.URL + "/" + name + ".git" }

// TestSharedHostLocalReposUseOwnersToken is issue 13's "local repositories
// on a host shared by two providers use the default provider's token":
// two providers on one git host, acme's repositories readable only with
// work's token and widgets' only with personal's. Repositories found on
// disk (fetch DIR, pull DIR) each get the token of the provider whose org
// or owners name their remote's owner, never the other's; a repository of
// an owner neither names gets the default provider's.
func TestSharedHostLocalReposUseOwnersToken(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const workTok, personalTok = "work-org-token-1357", "personal-org-token-2468"
	s := newOrgTokenServer(t, map[string]string{"acme": workTok, "widgets": personalTok, "misc": workTok})
	ws := filepath.Join(r.dir, "ws")
	for _, name := range []string{"acme/api", "widgets/tool", "misc/notes"} {
		seed := s.git.CreateRepo(t, name)
		org, _, _ := strings.Cut(name, "/")
		gittest.CloneAuth(t, s.URL(name), filepath.Join(ws, name), "x", s.tokens[org])
		// Something upstream to pull.
		gittest.Commit(t, seed, "NEWS.md", "news\n", "upstream change")
		gittest.Push(t, seed)
	}
	cfg := writeFile(t, filepath.Join(r.dir, "mgit.yaml"), "default_provider: work\nproviders:\n"+
		"  - name: personal\n    type: github\n    url: "+s.front.URL+"\n    owners: [widgets]\n"+
		"  - name: work\n    type: github\n    url: "+s.front.URL+"\n    org: acme\n")
	env := []string{"MGIT_KEYRING_BACKEND=env", "MGIT_TOKEN_WORK=" + workTok, "MGIT_TOKEN_PERSONAL=" + personalTok}
	for _, backend := range []string{"cli", "go-git"} {
		for _, op := range []string{"fetch", "pull"} {
			t.Run(backend+"/"+op, func(t *testing.T) {
				res := r.run(env, op, ws, "--config", cfg, "--git-backend", backend, "-o", "json")
				if res.code != 0 {
					t.Fatalf("%s: exit %d\n%s%s", op, res.code, res.stdout, res.stderr)
				}
				n := 0
				for _, obj := range ndjson(t, res.stdout) {
					if obj["type"] == "op" && obj["result"] == "ok" {
						n++
					}
				}
				if n != 3 {
					t.Errorf("%d of 3 repositories succeeded:\n%s", n, res.stdout)
				}
			})
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.crossed) > 0 {
		t.Fatalf("a provider's token went to the other's repositories: %v", s.crossed)
	}
	for _, out := range r.outputs {
		for _, tok := range []string{workTok, personalTok} {
			if strings.Contains(out, tok) {
				t.Fatalf("a token reached the output:\n%s", out)
			}
		}
	}
}
