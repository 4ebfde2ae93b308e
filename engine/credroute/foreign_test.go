package credroute

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestMGITTokenNeverReachesAForeignHost: MGIT_TOKEN used to go to every
// host no configured provider claims, so a repository URL on any other
// host received it. Now a clone from a host no provider names (a spy
// under another name, localhost, than the provider's 127.0.0.1) sends no
// Authorization header at all, while the provider's own host — whose
// account has no token — still clones with MGIT_TOKEN.
func TestMGITTokenNeverReachesAForeignHost(t *testing.T) {
	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "s3cret"})
	srv.CreateRepo(t, "r")
	own, _ := url.Parse(srv.URL("r"))
	var mu sync.Mutex
	var seen []string
	spy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if a := r.Header.Get("Authorization"); a != "" {
			seen = append(seen, a)
		}
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="spy"`)
		http.Error(w, "no", http.StatusUnauthorized)
	}))
	t.Cleanup(spy.Close)
	foreign := strings.Replace(spy.URL, "127.0.0.1", "localhost", 1)
	fu, _ := url.Parse(foreign)

	env := map[string]string{EnvToken: "s3cret"}
	router := New(Config{
		Accounts: []Account{{Name: "work", GitHost: git.URLHost(own), GitUser: "x-access-token", EnvVar: "MGIT_TOKEN_WORK"}},
		Token:    func(Account) (string, string, error) { return "", "", errors.New("no token") },
		Fallback: FromEnv(func(k string) string { return env[k] }),
	})
	for name, be := range map[string]git.Backend{"cli": cli.New(), "go-git": gogit.New()} {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			res := cloneAll(t, be, router, []engine.Repo{
				{ID: "own", Path: filepath.Join(root, "own"), URL: srv.URL("r"), Host: git.URLHost(own)},
				{ID: "foreign", Path: filepath.Join(root, "foreign"), URL: foreign + "/r.git", Host: git.URLHost(fu)},
			})
			if res["own"] != nil {
				t.Errorf("clone from the provider's host with MGIT_TOKEN: %v", res["own"])
			}
			if res["foreign"] == nil {
				t.Error("clone from the spy succeeded")
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) > 0 {
				t.Fatalf("MGIT_TOKEN reached a host no provider names: %q", seen)
			}
		})
	}
}

// cloneAll clones repos with one engine and returns each one's error.
func cloneAll(t *testing.T, be git.Backend, creds engine.CredentialSource, repos []engine.Repo) map[string]error {
	t.Helper()
	e := engine.New(engine.Config{Backend: be, Credentials: creds, LockDir: t.TempDir()})
	defer e.Close()
	var jobs []engine.Job
	for _, r := range repos {
		jobs = append(jobs, engine.Job{Op: engine.OpClone, Repo: r})
	}
	e.Submit(context.Background(), engine.Plan{Jobs: jobs})
	out := map[string]error{}
	for ev := range e.Events() {
		switch ev := ev.(type) {
		case engine.OpFinished:
			out[ev.RepoID] = ev.Err
		case engine.RunFinished:
			return out
		}
	}
	return out
}
