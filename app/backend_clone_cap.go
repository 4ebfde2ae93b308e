package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// A clone of unknown size (a --from URL list) starts with go-git, capped:
// most repositories are small, and go-git's clone costs a fraction of
// git's five processes. go-git chooses its HTTP client from a
// process-wide table, so the bytes on the wire cannot be counted per
// clone without global state; go-git streams the pack it receives into
// .git/objects/pack/tmp_pack_*, so that file's size is what it has
// received (the engine's stall watcher reads the same directory). Once
// it is over the limit, the go-git clone is cancelled and git clones
// afresh: the cap bounds both the work thrown away and go-git's memory.

// errOverCap is the cause the cap watcher cancels go-git's clone with.
var errOverCap = errors.New("clone larger than the in-process limit")

// capPoll is how often the watcher looks at the pack go-git receives.
// A small clone ends within a few polls; a large one is cancelled a poll
// after it passes the limit (at loopback speed, a few MiB later).
const capPoll = 10 * time.Millisecond

// smallClone clones with go-git. With a known size it runs as is; with an
// unknown one under the cap, and overCap reports that the cap (not the
// caller, nor another failure) ended it.
func (b *cloneBySize) smallClone(ctx context.Context, url, dest string, opt git.CloneOptions) (overCap bool, err error) {
	if opt.SizeHint > 0 {
		return false, b.small.Clone(ctx, url, dest, opt)
	}
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		watchCap(cctx, done, filepath.Join(dest, ".git", "objects", "pack"), b.limit, cancel)
	}()
	err = b.small.Clone(cctx, url, dest, opt)
	close(done)
	wg.Wait() // nothing reads dest once the caller clears it
	// The caller's cancellation wins: a cap that fired as the user gave up
	// must not start git.
	over := err != nil && ctx.Err() == nil && errors.Is(context.Cause(cctx), errOverCap)
	return over, err
}

// watchCap cancels with errOverCap once go-git has received more than
// limit bytes of pack into packDir; it ends at done or ctx's end.
func watchCap(ctx context.Context, done <-chan struct{}, packDir string, limit int64, cancel context.CancelCauseFunc) {
	t := time.NewTicker(capPoll)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-t.C:
			if receivedPack(packDir) > limit {
				cancel(errOverCap)
				return
			}
		}
	}
}

// receivedPack is the size of the packs go-git is receiving into packDir:
// its tmp_pack_ files. A finished pack (renamed pack-*.pack, its index
// written beside it) no longer counts: the transfer is over, and
// cancelling the checkout after it would throw the clone away for nothing.
func receivedPack(packDir string) int64 {
	entries, err := os.ReadDir(packDir)
	if err != nil {
		return 0 // not created yet
	}
	var n int64
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "tmp_pack_") {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n
}
