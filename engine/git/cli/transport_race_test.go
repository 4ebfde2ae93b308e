package cli

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestProbeAndGoGitBackendInstallTransportOnce: the in-process ref listing
// before git fetch (remoteUnchanged) reads go-git's process-wide transport
// table, and making a go-git backend writes it (the transport that follows
// no redirect). Both go through gotransport.NoRedirects' sync.Once, so
// the write is ordered before every read. Run at the same time, as two
// parallel tests of one binary (app's) or two goroutines of one process
// can: without the probe's call, the race detector reports the map read
// against the write. A true answer also proves the probe reached the
// server and matched its refs.
func TestProbeAndGoGitBackendInstallTransportOnce(t *testing.T) {
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "team/app")
	dir := filepath.Join(t.TempDir(), "app")
	gittest.Clone(t, srv.URL("team/app"), dir)
	b := New()
	var wg sync.WaitGroup
	var unchanged bool
	wg.Add(2)
	go func() { defer wg.Done(); gogit.New() }()
	go func() {
		defer wg.Done()
		unchanged = b.remoteUnchanged(context.Background(), dir, git.Credentials{}, 0)
	}()
	wg.Wait()
	if !unchanged {
		t.Fatal("the probe did not find the fresh clone's refs unchanged")
	}
}
