package engine

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestRetryAfterOnGitTransport: a git server's 429 with Retry-After: 1 is
// honoured (the retry waits at least a second, not the 1 ms backoff), and a
// Retry-After beyond MaxWait fails at once, saying why. The cli backend
// learns the header from a second, in-process request (git hides it), so
// the server answers 429 twice there.
func TestRetryAfterOnGitTransport(t *testing.T) {
	t.Parallel() // it mostly waits; git's configuration is isolated by TestMain
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "busy")
	for name, be := range backends(t) {
		fails := 1
		if name == "cli" {
			fails = 2
		}
		t.Run(name, func(t *testing.T) {
			repo := Repo{ID: "busy", Path: filepath.Join(t.TempDir(), "busy"), URL: srv.URL("busy")}
			srv.FailNext(fails, gittest.Fail429)
			start := time.Now()
			res := submit(t, Config{Backend: be, Retry: fastRetry}, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpClone}}})
			fin := res.finished["busy"][0]
			if fin.Result.Outcome != OutcomeOK || fin.Result.Attempts != 2 {
				t.Fatalf("outcome %s attempts %d err %v", fin.Result.Outcome, fin.Result.Attempts, fin.Err)
			}
			if waited := time.Since(start); waited < time.Second {
				t.Errorf("retried after %s, before the server's Retry-After of 1s", waited)
			}

			repo.Path = filepath.Join(t.TempDir(), "busy")
			srv.FailNext(fails, gittest.Fail429)
			res = submit(t, Config{Backend: be, Retry: fastRetry, MaxWait: 100 * time.Millisecond}, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpClone}}})
			fin = res.finished["busy"][0]
			if fin.Result.Outcome != OutcomeFailed || fin.Result.Attempts != 1 || !errors.Is(fin.Err, git.ErrNetwork) ||
				!strings.Contains(fin.Err.Error(), "longer than --max-wait") {
				t.Fatalf("outcome %s attempts %d err %v", fin.Result.Outcome, fin.Result.Attempts, fin.Err)
			}
			srv.FailNext(0, gittest.Fail429)
		})
	}
}
