package engine

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestStalledTransferFailsFast: a server that stops sending in the middle
// of a pack holds neither a clone nor a fetch until the operation timeout
// (10 minutes here): each fails within the stall timeout, classified
// ErrStalled, with both backends. The collect guard (30 s) is what fails
// the test without a low-speed limit.
func TestStalledTransferFailsFast(t *testing.T) {
	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "slow")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			cfg := Config{Backend: be, Retry: fastRetry, Timeout: 10 * time.Minute, StallTimeout: time.Second, NoProgress: true}
			dest := filepath.Join(t.TempDir(), "slow")
			repo := Repo{ID: "slow", Path: dest, URL: srv.URL("slow")}

			_, release := srv.StallPack()
			res := submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpClone}}})
			release()
			fin := res.finished["slow"][0]
			if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrStalled) || fin.Result.Attempts != 1 {
				t.Fatalf("clone: outcome %s attempts %d err %v; want one stalled attempt", fin.Result.Outcome, fin.Result.Attempts, fin.Err)
			}

			srv.Clone(t, "slow", dest)
			gittest.Commit(t, seed, name+".txt", "new", "upstream")
			gittest.Push(t, seed)
			_, release = srv.StallPack()
			res = submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpFetch}}})
			release()
			fin = res.finished["slow"][0]
			if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrStalled) {
				t.Fatalf("fetch: outcome %s err %v; want stalled", fin.Result.Outcome, fin.Err)
			}
		})
	}
}
