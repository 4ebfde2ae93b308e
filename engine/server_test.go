package engine

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// tokenSource hands the same token to every host.
type tokenSource string

func (s tokenSource) Credentials(string) (git.Credentials, bool) {
	return git.Credentials{Username: "git", Password: string(s)}, true
}

// backends are the real git backends, both run through the same engine tests.
func backends(t *testing.T) map[string]git.Backend {
	t.Helper()
	out := map[string]git.Backend{"go-git": gogit.New()}
	if err := cli.Available(context.Background()); err == nil {
		out["cli"] = cli.New()
	}
	return out
}

func TestRealServerCloneFetchPull(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "s3cret-token"})
	seed := srv.CreateRepo(t, "org/app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dest, host, err := workspace.Destination(root, srv.URL("org/app"), workspace.LayoutHost)
			if err != nil {
				t.Fatal(err)
			}
			repo := Repo{ID: "app", Path: dest, URL: srv.URL("org/app"), Host: host}
			cfg := Config{Backend: be, Credentials: tokenSource(srv.Token()), Retry: fastRetry}

			// A dropped connection is retried. go-git shares
			// http.DefaultTransport, and Go itself resends a request whose
			// reused keep-alive connection dropped, which would hide the
			// drop from the engine: start from fresh connections.
			http.DefaultTransport.(*http.Transport).CloseIdleConnections()
			srv.FailNext(1, gittest.FailDrop)
			res := submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpClone}}})
			fin := res.finished["app"][0]
			if fin.Result.Outcome != OutcomeOK || fin.Result.Attempts != 2 {
				t.Fatalf("clone: %+v %v", fin.Result, fin.Err)
			}
			if st := fin.Result.Status; st == nil || st.State() != "clean" {
				t.Fatalf("status after clone: %+v", fin.Result.Status)
			}
			if l := leftovers(t, root); len(l) > 0 {
				t.Fatalf("left behind: %v", l)
			}

			// New upstream commit: fetch sees it, pull fast-forwards to it.
			gittest.Commit(t, seed, "new.txt", name, "upstream change "+name)
			gittest.Push(t, seed)
			res = submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpFetch}}})
			if r := res.finished["app"][0].Result; r.Status == nil || r.Status.Behind != 1 || r.Detail != "main ↓1" {
				t.Fatalf("fetch: %+v %v", res.finished["app"][0].Result, res.finished["app"][0].Err)
			}
			res = submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpPull}}})
			fin = res.finished["app"][0]
			if fin.Result.Outcome != OutcomeOK || fin.Result.Status == nil || fin.Result.Status.Behind != 0 ||
				fin.Result.Detail != "main ↓1" || fin.Result.Refs == nil || fin.Result.Refs.Incoming != 1 {
				t.Fatalf("pull: %+v %v", fin.Result, fin.Err)
			}
			if srv.CredentialsInURL() {
				t.Fatal("credentials appeared in a request URL")
			}
		})
	}
}

func TestRealServerWrongToken(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "right"})
	srv.CreateRepo(t, "app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			job := Job{Op: OpClone, Repo: Repo{ID: "app", Path: filepath.Join(root, "app"), URL: srv.URL("app"), Host: "127.0.0.1"}}
			res := submit(t, Config{Backend: be, Credentials: tokenSource("wrong"), Retry: fastRetry},
				context.Background(), Plan{Jobs: []Job{job}})
			fin := res.finished["app"][0]
			if !errors.Is(fin.Err, git.ErrAuth) || fin.Result.Attempts != 1 || res.summary.AuthFailed == 0 || res.summary.AuthFailed != res.summary.Failed {
				t.Fatalf("result %+v err %v summary %+v", fin.Result, fin.Err, res.summary)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Fatalf("left behind: %v", entries)
			}
		})
	}
}

func TestRealServerCancelMidClone(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "tok"})
	srv.CreateRepo(t, "app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dest, host, err := workspace.Destination(root, srv.URL("app"), workspace.LayoutHost)
			if err != nil {
				t.Fatal(err)
			}
			entered, release := srv.StallPack()
			defer release()
			ctx, cancel := context.WithCancel(context.Background())
			e := New(Config{Backend: be, Credentials: tokenSource("tok")})
			id := e.Submit(ctx, Plan{Jobs: []Job{{Op: OpClone, Repo: Repo{ID: "app", Path: dest, URL: srv.URL("app"), Host: host}}}})
			done := make(chan runResult)
			go func() { done <- collect(t, e, id) }()
			<-entered // the pack is half transferred
			start := time.Now()
			cancel()
			res := <-done
			stopped := time.Since(start)
			e.Close()
			t.Logf("%s: run finished %s after cancel", name, stopped)
			if stopped > 2*time.Second {
				t.Errorf("run took %s to stop after cancel", stopped)
			}
			if !res.summary.Interrupted {
				t.Fatalf("summary %+v", res.summary)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Fatalf("half clone left behind: %v", entries)
			}
		})
	}
}
