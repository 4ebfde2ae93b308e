package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// The watcher reports a repository whose HEAD, index or branches changed
// on disk, once, and nothing while nothing changes; a directory that
// becomes a repository is a change too.
func TestWatcherSeesChanges(t *testing.T) {
	gittest.Isolate(t)
	ws := t.TempDir()
	a, b, c := filepath.Join(ws, "a"), filepath.Join(ws, "b"), filepath.Join(ws, "c")
	for _, d := range []string{a, b} {
		gittest.InitRepo(t, d)
		gittest.Commit(t, d, "f.txt", "1\n", "first")
	}
	if err := os.Mkdir(c, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWatcher(time.Hour)
	w.set(map[string]string{"a": a, "b": b, "c": c})
	w.sweep()
	if got := w.take(); len(got) != 0 {
		t.Fatalf("first look reported %v", got)
	}

	gittest.Git(t, a, "checkout", "-q", "-b", "topic-branch")
	w.sweep()
	if got := w.take(); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("after a checkout in a: %v", got)
	}
	w.sweep()
	if got := w.take(); len(got) != 0 {
		t.Fatalf("no change, yet %v", got)
	}

	// The command the model re-arms delivers the next change.
	gittest.WriteFile(t, b, "added-file.txt", "x\n")
	gittest.Git(t, b, "add", "added-file.txt")
	gittest.InitRepo(t, c)
	w.sweep()
	msg, ok := w.waitCmd(make(chan struct{}))().(watchMsg)
	slices.Sort(msg)
	if !ok || !slices.Equal(msg, []string{"b", "c"}) {
		t.Fatalf("waitCmd = %v, want b (index) and c (new repository)", msg)
	}

	// The new repository's branches are watched like the others'.
	gittest.Commit(t, c, "f.txt", "1\n", "first")
	w.sweep()
	w.take()
	gittest.Git(t, c, "checkout", "-q", "-b", "topic-in-c")
	w.sweep()
	if got := w.take(); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("after a checkout in the new repository: %v", got)
	}

	// A repository no longer watched is forgotten.
	w.set(map[string]string{"a": a})
	w.sweep()
	if len(w.seen) != 1 {
		t.Fatalf("still remembering %d repositories", len(w.seen))
	}
}

// BenchmarkWatcherSweep: one sweep over 10,000 repositories (five stat
// calls each), the cost the watcher pays every interval.
func BenchmarkWatcherSweep(b *testing.B) {
	root := b.TempDir()
	repos := map[string]string{}
	for i := range 10000 {
		wt := filepath.Join(root, strconv.Itoa(i))
		for _, d := range []string{"objects", "refs/heads"} {
			if err := os.MkdirAll(filepath.Join(wt, ".git", d), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		for _, f := range []string{"HEAD", "index"} {
			if err := os.WriteFile(filepath.Join(wt, ".git", f), []byte("ref: refs/heads/main\n"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		repos[strconv.Itoa(i)] = wt
	}
	w := newWatcher(time.Hour)
	w.set(repos)
	w.sweep() // resolves the git directories once
	b.ResetTimer()
	for range b.N {
		w.sweep()
	}
}
