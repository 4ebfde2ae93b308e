package app

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// capTestLimit is the cap the tests set: far below the large fixture
// (2 MiB of random bytes, 1 MiB of which the stalled server sends) and far
// above the small one (a few hundred bytes of pack).
const capTestLimit = 64 << 10

// cappedCloneBySize is testCloneBySize with the tests' cap on Linux,
// counting the clones go-git is asked for.
func cappedCloneBySize() (*cloneBySize, func() []string, *atomic.Int64) {
	b, used := testCloneBySize()
	tries := new(atomic.Int64)
	b.small = countedClone{gogit.New(), tries}
	b.limit = capTestLimit
	b.goos = "linux"
	return b, used, tries
}

// noisyRepo serves "team/big": 2 MiB of incompressible bytes.
func noisyRepo(t *testing.T) (*gittest.Server, string) {
	t.Helper()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "team/big")
	noise := make([]byte, 2<<20)
	_, _ = rand.NewChaCha8([32]byte{15}).Read(noise)
	gittest.Commit(t, seed, "noise.bin", string(noise), "noise")
	gittest.Push(t, seed)
	return srv, srv.URL("team/big")
}

// TestCloneBySizeUnknownSmallByGoGit: a repository of unknown size (a
// --from URL list) under the cap is cloned by go-git, and git cannot tell
// the result from its own clone.
func TestCloneBySizeUnknownSmallByGoGit(t *testing.T) {
	t.Parallel()
	_, url := servedFixture(t)
	want := filepath.Join(t.TempDir(), "git")
	gittest.Clone(t, url, want)
	b, used, _ := cappedCloneBySize()
	dest := filepath.Join(t.TempDir(), "app")
	if err := b.Clone(context.Background(), url, dest, git.CloneOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := used(); !slices.Equal(got, []string{"go-git"}) {
		t.Errorf("unknown size, small repository: cloned by %v, want go-git", got)
	}
	sameView(t, cloneView(t, want), cloneView(t, dest))
}

// TestCloneBySizeUnknownLargeCapped: a repository of unknown size well
// above the cap starts with go-git, which is cancelled once it has
// received more than the cap; git then clones into the same destination
// (absent, or an empty directory that stays the user's), with git's
// result and nothing of go-git's attempt. The server stalls go-git's pack
// half-way (1 MiB sent), so the cap is passed whatever the poll's timing.
func TestCloneBySizeUnknownLargeCapped(t *testing.T) {
	t.Parallel()
	srv, url := noisyRepo(t)
	want := filepath.Join(t.TempDir(), "git")
	gittest.Clone(t, url, want)
	wantView := cloneView(t, want)
	for _, existed := range []bool{false, true} {
		name := map[bool]string{false: "absent dest", true: "empty dest"}[existed]
		t.Run(name, func(t *testing.T) {
			b, used, tries := cappedCloneBySize()
			dest := filepath.Join(t.TempDir(), "app")
			var made os.FileInfo
			if existed {
				if err := os.Mkdir(dest, 0o755); err != nil {
					t.Fatal(err)
				}
				made, _ = os.Stat(dest)
			}
			entered, release := srv.StallPack()
			defer release()
			done := make(chan error, 1)
			go func() { done <- b.Clone(context.Background(), url, dest, git.CloneOptions{}) }()
			<-entered
			if tries.Load() != 1 {
				release() // git's clone, stalled: let it finish
				<-done
				t.Fatalf("go-git was asked for %d clones, want 1: an unknown size did not start with go-git", tries.Load())
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute): // a safety net for a hang, not a timing bound
				release()
				t.Fatal("Clone did not return a minute after go-git passed the cap: it was not cancelled")
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := used(); !slices.Equal(got, []string{"cli"}) {
				t.Errorf("cloned by %v, want cli after the capped go-git", got)
			}
			sameView(t, wantView, cloneView(t, dest))
			// Nothing of go-git's attempt: one pack (git's), no tmp_ file.
			packs, _ := filepath.Glob(filepath.Join(dest, ".git", "objects", "pack", "*"))
			for _, p := range packs {
				if n := filepath.Base(p); filepath.Ext(n) != ".pack" && filepath.Ext(n) != ".idx" && filepath.Ext(n) != ".rev" {
					t.Errorf("left in the pack directory: %s", n)
				}
			}
			if n := len(slices.DeleteFunc(packs, func(p string) bool { return filepath.Ext(p) != ".pack" })); n != 1 {
				t.Errorf("%d packs in the clone, want git's one", n)
			}
			if fi, err := os.Stat(dest); existed && (err != nil || !os.SameFile(made, fi)) {
				t.Errorf("the user's empty directory was replaced by another: %v", err)
			}
		})
	}
}

// TestCloneBySizeUnknownCancelledNotRetried: the caller's cancellation
// during a capped clone (go-git mid-pack, under the cap) ends the clone
// with the cancellation, nothing at dest, and no git clone after it; and
// a cancellation that comes as the cap fires is still the caller's.
func TestCloneBySizeUnknownCancelledNotRetried(t *testing.T) {
	t.Parallel()
	srv, url := noisyRepo(t)
	for _, c := range []struct {
		name  string
		limit int64
	}{
		{"under the cap", 64 << 20},
		{"as the cap fires", capTestLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, used, tries := cappedCloneBySize()
			b.limit = c.limit
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			small := b.small
			// For the second case, the caller gives up as go-git is
			// cancelled: the small backend's Clone returns after both.
			b.small = cancelOnReturn{small, cancel}
			var gitTries atomic.Int64
			b.cliBackend = countedCLI{b.cliBackend, &gitTries}
			dest := filepath.Join(t.TempDir(), "app")
			entered, release := srv.StallPack()
			defer release()
			before := srv.Requests()
			done := make(chan error, 1)
			go func() { done <- b.Clone(ctx, url, dest, git.CloneOptions{}) }()
			<-entered
			if tries.Load() != 1 {
				release()
				<-done
				t.Fatalf("go-git was asked for %d clones, want 1", tries.Load())
			}
			if c.limit > capTestLimit {
				cancel()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute): // a safety net for a hang, not a timing bound
				release()
				t.Fatal("Clone did not return a minute after its context was cancelled mid-pack")
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Clone = %v, want the cancellation in the chain", err)
			}
			if _, err := os.Lstat(dest); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("something is left at dest after the cancel: %v", err)
			}
			if got := used(); len(got) != 0 {
				t.Errorf("clones after the cancel: %v, want none", got)
			}
			if n := gitTries.Load(); n != 0 {
				t.Errorf("git was asked for %d clones after the caller cancelled, want none", n)
			}
			if n := srv.Requests() - before; n != 2 {
				t.Errorf("%d requests for one cancelled clone, want 2 (go-git's info/refs and pack)", n)
			}
		})
	}
}

// cancelOnReturn cancels the caller's context when go-git's clone returns,
// before the composite decides what to do next.
type cancelOnReturn struct {
	git.Backend
	cancel context.CancelFunc
}

func (c cancelOnReturn) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	err := c.Backend.Clone(ctx, url, dest, opt)
	c.cancel()
	return err
}

// TestCloneBySizeKnownLargeNeverGoGit: a size the listing puts above the
// limit goes straight to git; go-git is never asked.
func TestCloneBySizeKnownLargeNeverGoGit(t *testing.T) {
	t.Parallel()
	_, url := servedFixture(t)
	b, used, tries := cappedCloneBySize()
	dest := filepath.Join(t.TempDir(), "app")
	if err := b.Clone(context.Background(), url, dest, git.CloneOptions{SizeHint: capTestLimit + 1}); err != nil {
		t.Fatal(err)
	}
	if n := tries.Load(); n != 0 {
		t.Errorf("go-git was asked for %d clones of a repository listed above the limit", n)
	}
	if got := used(); !slices.Equal(got, []string{"cli"}) {
		t.Errorf("cloned by %v, want cli", got)
	}
}

// countedCLI counts the clones the git CLI backend is asked for.
type countedCLI struct {
	cliBackend
	n *atomic.Int64
}

func (c countedCLI) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	c.n.Add(1)
	return c.cliBackend.Clone(ctx, url, dest, opt)
}
