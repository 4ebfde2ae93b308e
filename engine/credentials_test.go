package engine

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// perRepoTokenServer fronts an anonymous gittest server with basic auth
// whose password depends on the repository: one git host serving two
// accounts' repositories, as github.com does.
type perRepoTokenServer struct {
	git    *gittest.Server
	front  *httptest.Server
	tokens map[string]string // repository name ("acme/a") -> token

	mu       sync.Mutex
	rejected map[string]int // repository name -> requests refused 401
}

func newPerRepoTokenServer(t *testing.T, tokens map[string]string) *perRepoTokenServer {
	t.Helper()
	s := &perRepoTokenServer{git: gittest.NewServer(t, gittest.ServerOptions{}), tokens: tokens, rejected: map[string]int{}}
	for name := range tokens {
		s.git.CreateRepo(t, name)
	}
	backend, err := url.Parse(s.git.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)
	s.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, tok := range s.tokens {
			if !strings.HasPrefix(r.URL.Path, "/"+name+".git/") {
				continue
			}
			if _, p, ok := r.BasicAuth(); !ok || p != tok {
				s.mu.Lock()
				s.rejected[name]++
				s.mu.Unlock()
				w.Header().Set("WWW-Authenticate", `Basic realm="per-repo"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			proxy.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(s.front.Close)
	return s
}

func (s *perRepoTokenServer) URL(name string) string { return s.front.URL + "/" + name + ".git" }

// accountSource is a credential source like the app's: by host it answers
// with the default account's token; per repository with the account that
// listed it.
type accountSource struct {
	byAccount map[string]string
	byHost    string

	mu    sync.Mutex
	asked []string // "for <provider>" or "host <host>"
}

func (a *accountSource) Credentials(host string) (git.Credentials, bool) {
	a.mu.Lock()
	a.asked = append(a.asked, "host "+host)
	a.mu.Unlock()
	return git.Credentials{Username: "git", Password: a.byHost}, true
}

func (a *accountSource) CredentialsFor(repo Repo) (git.Credentials, bool) {
	a.mu.Lock()
	a.asked = append(a.asked, "for "+repo.Provider)
	a.mu.Unlock()
	tok, ok := a.byAccount[repo.Provider]
	return git.Credentials{Username: "git", Password: tok}, ok
}

// TestTwoAccountsOnOneHost: one plan clones a repository of each of two
// accounts from one host; each clone must carry its own account's token
// (a lookup by host alone gives both the default account's, and the
// second clone fails). A repository with no provider still gets the host's.
func TestTwoAccountsOnOneHost(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := newPerRepoTokenServer(t, map[string]string{"acme/a": "token-A-work", "acme/b": "token-B-personal"})
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			job := func(id, repo, account string) Job {
				dest, host, err := workspace.Destination(filepath.Join(root, id), srv.URL(repo), workspace.LayoutFlat)
				if err != nil {
					t.Fatal(err)
				}
				return Job{Repo: Repo{ID: id, Path: dest, URL: srv.URL(repo), Host: host, Provider: account}, Op: OpClone}
			}
			src := &accountSource{byAccount: map[string]string{"work": "token-A-work", "personal": "token-B-personal"}, byHost: "token-A-work"}
			plan := Plan{Jobs: []Job{
				job("a", "acme/a", "work"),
				job("b", "acme/b", "personal"),
				job("local-a", "acme/a", ""), // no provider: asked by host
			}}
			res := submit(t, Config{Backend: be, Credentials: src, Retry: fastRetry}, context.Background(), plan)
			for _, id := range []string{"a", "b", "local-a"} {
				fin := res.finished[id]
				if len(fin) != 1 || fin[0].Result.Outcome != OutcomeOK {
					t.Fatalf("clone %s: %+v", id, fin)
				}
			}
			if res.summary.OK != 3 || res.summary.AuthFailed != 0 {
				t.Fatalf("summary %+v", res.summary)
			}
			src.mu.Lock()
			asked := strings.Join(src.asked, ",")
			src.mu.Unlock()
			for _, want := range []string{"for work", "for personal", "host " + strings.TrimPrefix(srv.front.URL, "http://")} {
				if !strings.Contains(asked, want) {
					t.Errorf("source asked %q, missing %q", asked, want)
				}
			}
		})
	}
}

// Without the per-repository answer, the host's token is the only one, and
// the other account's repository is refused: the failure the extension
// exists to prevent.
func TestHostOnlySourceGivesOneAccount(t *testing.T) {
	gittest.Isolate(t)
	srv := newPerRepoTokenServer(t, map[string]string{"acme/a": "token-A-work", "acme/b": "token-B-personal"})
	root := t.TempDir()
	dest, host, err := workspace.Destination(root, srv.URL("acme/b"), workspace.LayoutFlat)
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Jobs: []Job{{Repo: Repo{ID: "b", Path: dest, URL: srv.URL("acme/b"), Host: host, Provider: "personal"}, Op: OpClone}}}
	res := submit(t, Config{Backend: backends(t)["go-git"], Credentials: tokenSource("token-A-work"), Retry: fastRetry}, context.Background(), plan)
	if fin := res.finished["b"]; len(fin) != 1 || fin[0].Result.Outcome != OutcomeFailed || res.summary.AuthFailed != 1 {
		t.Fatalf("clone with the other account's token: %+v, summary %+v", fin, res.summary)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.rejected["acme/b"] == 0 {
		t.Fatal("the server never refused the wrong token")
	}
}

// hintSource answers every host with a refused token and its own hint.
type hintSource struct{ hint string }

func (h hintSource) Credentials(string) (git.Credentials, bool) {
	return git.Credentials{Username: "git", Password: "refused-token", Hint: h.hint}, true
}

// TestRejectedCredentialsCarryTheirHint: when the remote refuses the
// credentials, the failure's hint is the one the source gave with them
// (which account, from where, what to run), not the generic advice; any
// other failure keeps its own hint.
func TestRejectedCredentialsCarryTheirHint(t *testing.T) {
	gittest.Isolate(t)
	srv := newPerRepoTokenServer(t, map[string]string{"acme/a": "token-A-work"})
	const hint = "the token of provider work (from the keyring) was rejected: run mgit login --name work"
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			dest, host, err := workspace.Destination(t.TempDir(), srv.URL("acme/a"), workspace.LayoutFlat)
			if err != nil {
				t.Fatal(err)
			}
			plan := Plan{Jobs: []Job{{Repo: Repo{ID: "a", Path: dest, URL: srv.URL("acme/a"), Host: host}, Op: OpClone}}}
			res := submit(t, Config{Backend: be, Credentials: hintSource{hint}, Retry: fastRetry}, context.Background(), plan)
			fin := res.finished["a"]
			if len(fin) != 1 || !errors.Is(fin[0].Err, git.ErrAuth) {
				t.Fatalf("clone with a refused token: %+v", fin)
			}
			if got := git.Hint(fin[0].Err); got != hint {
				t.Fatalf("hint %q, want the source's %q", got, hint)
			}
		})
	}
	if err := withCredentialHint(git.ErrNotFastForward, hint); git.Hint(err) == hint {
		t.Fatal("a credential hint replaced a non-auth failure's hint")
	}
}
