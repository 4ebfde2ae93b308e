package sync

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	gitcli "github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// world is an organisation of real repositories on a smart-HTTP server,
// listed by a fake lister and synced by a real engine.
type world struct {
	git   *gittest.Server
	seeds map[string]string
	repos []provider.Repo
}

func newWorld(t *testing.T, names ...string) *world {
	t.Helper()
	gittest.Isolate(t)
	w := &world{git: gittest.NewServer(t, gittest.ServerOptions{}), seeds: map[string]string{}}
	for _, n := range names {
		w.seeds[n] = w.git.CreateRepo(t, "org/"+n)
		w.repos = append(w.repos, repo(n, w.git.URL("org/"+n)))
	}
	return w
}

// realRig is a rig over the real engine (auto backend); ops records the
// operations each cycle ran, by repository name.
func (w *world) rig(t *testing.T) (*rig, *opLog) {
	t.Helper()
	// The auto choice (app.ChooseBackend): git when usable, else go-git.
	var backend git.Backend = gogit.New()
	if gitcli.Available(context.Background()) == nil {
		backend = gitcli.New()
	}
	eng := engine.New(engine.Config{Backend: backend, NoProgress: true, Logger: zerolog.Nop()})
	t.Cleanup(eng.Close)
	r := newRig(t, listing(w.repos...), eng)
	ops := &opLog{}
	r.cfg.Watch = func(_ func() zerolog.Logger, _ []engine.Job) func(engine.Event) { return ops.see }
	return r, ops
}

// opLog is what the cycles' OpFinished events said: "<op> <name>
// <outcome>", the op "clone" when the job cloned anew and "update" when it
// found a clone there, followed by the detail ("main ↓1", "unchanged",
// "fetched").
type opLog struct {
	mu  gosync.Mutex
	got []string
}

func (o *opLog) see(ev engine.Event) {
	if e, ok := ev.(engine.OpFinished); ok {
		o.mu.Lock()
		op := string(e.Op)
		if e.Result.Existed {
			op = "update"
		}
		line := op + " " + filepath.Base(e.RepoID) + " " + string(e.Result.Outcome)
		if d, ok := strings.CutPrefix(e.Result.Detail, "exists; "); ok {
			line += " (" + d + ")"
		}
		o.got = append(o.got, line)
		o.mu.Unlock()
	}
}

// take returns what was seen since the last take, sorted by name.
func (o *opLog) take() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	got := o.got
	o.got = nil
	slices.Sort(got)
	return strings.Join(got, ", ")
}

// TestClonesThenUpdates: the first cycle clones what is missing; the next
// updates what is there, fast-forwarding an upstream commit, and clones
// nothing.
func TestClonesThenUpdates(t *testing.T) {
	w := newWorld(t, "a", "b")
	r, ops := w.rig(t)
	if code := exitOf(New(r.cfg).Run(context.Background())); code != exitOK {
		t.Fatalf("first cycle: exit %d", code)
	}
	if got := ops.take(); got != "clone a ok, clone b ok" {
		t.Errorf("first cycle ran %q", got)
	}
	sha := gittest.Commit(t, w.seeds["a"], "new.txt", "new", "upstream change")
	gittest.Push(t, w.seeds["a"])
	if code := exitOf(New(r.cfg).Run(context.Background())); code != exitOK {
		t.Fatalf("second cycle: exit %d", code)
	}
	if got := ops.take(); got != "update a ok (main ↓1), update b ok (unchanged)" {
		t.Errorf("second cycle ran %q", got)
	}
	if head := gittest.Head(t, pathOf(r.cfg.Root, "a")); head != sha {
		t.Errorf("a not fast-forwarded: HEAD %s, want %s", head, sha)
	}
	if !strings.Contains(r.logs.String(), `"cloned":0,"updated":2`) {
		t.Error("the second cycle's summary does not count two updates")
	}
}

// TestMirrorClonesThenFetches: --mirror keeps bare mirrors in
// <name>.git, cloned once and fetched after.
func TestMirrorClonesThenFetches(t *testing.T) {
	w := newWorld(t, "a", "b")
	r, ops := w.rig(t)
	r.cfg.Mirror = true
	for cycle, want := range []string{"clone a.git ok, clone b.git ok", "update a.git ok (fetched), update b.git ok (fetched)"} {
		if code := exitOf(New(r.cfg).Run(context.Background())); code != exitOK {
			t.Fatalf("cycle %d: exit %d", cycle+1, code)
		}
		if got := ops.take(); got != want {
			t.Errorf("cycle %d ran %q, want %q", cycle+1, got, want)
		}
		if cycle == 0 {
			// Every ref is mirrored: a branch pushed now arrives with the
			// next cycle's fetch.
			gittest.Git(t, w.seeds["a"], "push", "-q", "origin", "main:topic")
		}
	}
	if out := gittest.Git(t, pathOf(r.cfg.Root, "a.git"), "branch", "--list", "topic"); !strings.Contains(out, "topic") {
		t.Error("the mirror of a lacks the branch pushed after its clone")
	}
	for _, n := range []string{"a", "b"} {
		if _, err := os.Stat(filepath.Join(pathOf(r.cfg.Root, n+".git"), "HEAD")); err != nil {
			t.Errorf("no bare mirror of %s: %v", n, err)
		}
	}
}

// TestLeavesForeignClonesAlone: the engine, not the loop, decides what a
// destination gets: one that holds a clone of another remote is refused
// and left as it was, and the others are synced.
func TestLeavesForeignClonesAlone(t *testing.T) {
	w := newWorld(t, "a", "b")
	r, ops := w.rig(t)
	foreign := pathOf(r.cfg.Root, "a")
	w.git.Clone(t, "org/b", foreign)
	before := gittest.Head(t, foreign)
	if code := exitOf(New(r.cfg).Run(context.Background())); code != exitFailed {
		t.Fatalf("exit %d, want 1", code)
	}
	if got := ops.take(); got != "clone a failed, clone b ok" {
		t.Errorf("ran %q", got)
	}
	if head := gittest.Head(t, foreign); head != before {
		t.Errorf("the foreign clone was changed: HEAD %s, was %s", head, before)
	}
	if results, _, _, _ := r.metrics.snapshot(); len(results) != 1 || results[0] != ResultPartial {
		t.Errorf("results %v, want one partial cycle", results)
	}
}

// TestGrace: a stop lets the cycle in progress finish within the grace
// period (exit 0), and cancels it after (exit 130, no half clone left).
func TestGrace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		release  bool // the stalled clone resumes within the grace period
		wantCode int
	}{
		{"cancelled after grace", false, exitInterrupted},
		{"finishes within grace", true, exitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "a")
			r, _ := w.rig(t)
			r.cfg.Once, r.cfg.Grace = false, 500*time.Millisecond
			if tc.release {
				r.cfg.Grace = 30 * time.Second
			}
			entered, release := w.git.StallPack()
			defer release()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			go func() { done <- exitOf(New(r.cfg).Run(ctx)) }()
			<-entered
			cancel() // SIGTERM
			if tc.release {
				release()
			}
			if code := <-done; code != tc.wantCode {
				t.Fatalf("exit %d, want %d", code, tc.wantCode)
			}
			if l := leftovers(t, r.cfg.Root); len(l) > 0 {
				t.Errorf("half-clone left: %v", l)
			}
			_, err := os.Lstat(pathOf(r.cfg.Root, "a"))
			if tc.release != (err == nil) {
				t.Errorf("destination after %s: %v", tc.name, err)
			}
			if !tc.release && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("destination exists after a cancelled clone: %v", err)
			}
			results, first, _, _ := r.metrics.snapshot()
			want := ResultOK
			if !tc.release {
				want = ResultInterrupted
			}
			if len(results) != 1 || results[0] != want || (first == 1) != tc.release {
				t.Errorf("results %v, first-cycle marks %d", results, first)
			}
		})
	}
}

// leftovers finds temporary clones anywhere under dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), workspace.TempCloneMarker) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
