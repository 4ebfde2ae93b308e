package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
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
	t.Parallel() // it mostly waits; git's configuration is isolated by TestMain
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

// TestTricklingTransferFailsFast: a server sending 50 bytes a second, far
// below the low-speed limit, is stalled too — not only one that sends
// nothing. The pack is made a few kilobytes so that it cannot arrive within
// the stall timeout at that rate.
func TestTricklingTransferFailsFast(t *testing.T) {
	t.Parallel() // it mostly waits; git's configuration is isolated by TestMain
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "trickle")
	var big strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&big, "line %d %x\n", i, i*7919)
	}
	gittest.Commit(t, seed, "big.txt", big.String(), "some kilobytes")
	gittest.Push(t, seed)
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			cfg := Config{Backend: be, Retry: fastRetry, Timeout: 10 * time.Minute, StallTimeout: 2 * time.Second, NoProgress: true}
			repo := Repo{ID: "trickle", Path: filepath.Join(t.TempDir(), "trickle"), URL: srv.URL("trickle")}
			_, release := srv.TricklePack(50)
			res := submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpClone}}})
			release()
			fin := res.finished["trickle"][0]
			if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrStalled) {
				t.Fatalf("clone: outcome %s err %v; want stalled", fin.Result.Outcome, fin.Err)
			}
		})
	}
}
