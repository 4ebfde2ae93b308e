package gogit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
)

// go-git chooses its HTTP client from a process-wide table, so a per-call
// reader that counts bytes on the wire would mean changing global state.
// The low-speed limit watches what the transfer produces instead: go-git
// streams the received pack into objects/pack, so the growth of that
// directory is the transfer rate. Progress messages, which the server may
// send while it prepares a large pack, do not count; a server that prepares
// for longer than the stall timeout without sending pack data is taken for
// stalled.

// errStalled is the cancellation cause the watcher sets.
var errStalled = errors.New("transfer stalled")

type stallKey struct{}

// withStallTimeout carries opt.StallTimeout to fetch, which Fetch and Pull
// share.
func withStallTimeout(ctx context.Context, d time.Duration) context.Context {
	if d <= 0 {
		return ctx
	}
	return context.WithValue(ctx, stallKey{}, d)
}

// watchRepo starts the watcher for r's pack directory when ctx carries a
// stall timeout (see withStallTimeout).
func watchRepo(ctx context.Context, r *gogit.Repository) (context.Context, func()) {
	d, _ := ctx.Value(stallKey{}).(time.Duration)
	fs, ok := r.Storer.(*filesystem.Storage)
	if d <= 0 || !ok {
		return ctx, func() {}
	}
	return watchStall(ctx, filepath.Join(fs.Filesystem().Root(), "objects", "pack"), d)
}

// watchStall returns a context that is cancelled, with cause errStalled,
// once packDir has grown by less than git.LowSpeedBytes a second over the
// last d. A new pack-*.pack file means the transfer is complete (go-git
// renames its tmp_pack_ file when the whole pack has arrived): the watcher
// ends there, so a long checkout or index build afterwards is not taken
// for a stall. stop ends the watcher.
func watchStall(ctx context.Context, packDir string, d time.Duration) (context.Context, func()) {
	if d <= 0 {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	tick := max(d/8, 50*time.Millisecond)
	need := int64(float64(git.LowSpeedBytes) * d.Seconds())
	before := packNames(packDir) // now, not when the goroutine runs
	start, _ := dirSize(packDir, before)
	startAt := time.Now()
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		type sample struct {
			at   time.Time
			size int64
		}
		samples := []sample{{startAt, start}}
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				size, complete := dirSize(packDir, before)
				if complete {
					return
				}
				samples = append(samples, sample{now, size})
				// Drop samples older than the window, keeping one at
				// or before its start to measure from.
				for len(samples) > 1 && now.Sub(samples[1].at) >= d {
					samples = samples[1:]
				}
				first, last := samples[0], samples[len(samples)-1]
				if now.Sub(first.at) >= d && last.size-first.size < need {
					cancel(errStalled)
					return
				}
			}
		}
	}()
	return ctx, func() { close(done); cancel(nil) }
}

// dirSize is the total size of the files in dir (0 when it does not exist
// yet: the clone has not created it); complete reports a pack-*.pack file
// not in before.
func dirSize(dir string, before map[string]bool) (n int64, complete bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, false
	}
	for _, e := range entries {
		if isPack(e.Name()) && !before[e.Name()] {
			complete = true
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
	}
	return n, complete
}

func isPack(name string) bool {
	return strings.HasPrefix(name, "pack-") && strings.HasSuffix(name, ".pack")
}

// packNames lists the finished packs already in dir.
func packNames(dir string) map[string]bool {
	names := map[string]bool{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if isPack(e.Name()) {
			names[e.Name()] = true
		}
	}
	return names
}

// stallError is the error of an operation whose watcher fired, or nil.
func stallError(ctx context.Context, op, dir string, d time.Duration) error {
	if !errors.Is(context.Cause(ctx), errStalled) {
		return nil
	}
	return &git.Error{Op: op, Dir: dir, Kind: git.ErrStalled,
		Detail: fmt.Sprintf("less than %d bytes a second for %s", git.LowSpeedBytes, humanize.Duration(d))}
}
