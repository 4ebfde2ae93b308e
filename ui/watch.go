package ui

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/ui/components/repotable"
)

// DefaultWatchInterval is how often the watcher looks at every
// repository's git directory.
const DefaultWatchInterval = 2 * time.Second

// watchMsg names the repositories whose git directory changed since the
// watcher last looked.
type watchMsg []string

// watcher notices a repository changed on disk by something other than the
// dashboard (a commit, a checkout, a fetch in another terminal) by polling
// the modification time and size of the few files git rewrites when that
// happens: HEAD, index, FETCH_HEAD and packed-refs, and the refs/heads
// directory (a branch update renames a lock file into it).
//
// Polling, not inotify: inotify watches are a per-user kernel resource
// (fs.inotify.max_user_watches, 8192 on many systems), so 10,000
// repositories × 5 paths would exhaust them and fail for every other
// program of the user; it also does not exist on macOS or over NFS. Five
// stat calls per repository are cheap: a sweep of 10,000 repositories is
// 50,000 stats (BenchmarkWatcherSweep: 0.56 s on a 2-core machine at load
// 20, about 0.1 s unloaded), and the wait after a sweep grows with its
// cost (dutyCycle), so the watcher never takes more than 5% of a core.
// A change shows within the interval (or 20 sweep times at most), which
// is what a person glancing at the dashboard notices.
//
// The watcher reports; it does not read status. The model asks the
// engine, the single source of truth, and the result comes back as the
// usual events.
type watcher struct {
	interval time.Duration

	mu      sync.Mutex
	repos   map[string]string // repository ID -> work tree; set by the model
	pending map[string]bool   // changed, not yet taken
	ready   chan struct{}     // holds a token while pending is non-empty

	// Owned by the sweeping goroutine.
	seen  map[string]stamps // last stamps of each repository
	paths map[string][]string
}

// stamp is what changes when git rewrites a file or a directory's entries.
type stamp struct {
	mtime int64
	size  int64
}

type stamps [5]stamp

func newWatcher(interval time.Duration) *watcher {
	return &watcher{
		interval: interval, repos: map[string]string{}, pending: map[string]bool{},
		ready: make(chan struct{}, 1), seen: map[string]stamps{}, paths: map[string][]string{},
	}
}

// set replaces the repositories watched (ID -> work tree). A repository
// new to the watcher is read once before a change of it is reported.
func (w *watcher) set(repos map[string]string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.repos = repos
}

// follow watches the cloned rows; a nil watcher (watching is off) does
// nothing.
func (w *watcher) follow(rows []*repotable.Row) {
	if w == nil {
		return
	}
	repos := map[string]string{}
	for _, r := range rows {
		if r.Cloned {
			repos[r.ID] = r.Path
		}
	}
	w.set(repos)
}

// dutyCycle bounds the watcher's share of one core: after a sweep it
// waits at least dutyCycle times as long as the sweep took.
const dutyCycle = 20

// start takes the baseline, the first sweep that later ones are compared
// with, and returns when it is taken; the sweeps that follow run in the
// background until stop is closed. The dashboard reads the status of its
// rows only after start returns (see startup.go). A nil watcher (watching
// is off) does nothing.
func (w *watcher) start(stop <-chan struct{}) {
	if w == nil {
		return
	}
	took := w.timedSweep()
	go w.run(stop, took)
}

// run sweeps every interval until stop is closed, the last sweep having
// taken took; a slow sweep (many repositories, a loaded machine, a slow
// file system) stretches the wait so that the watcher stays under
// 1/dutyCycle of one core.
func (w *watcher) run(stop <-chan struct{}, took time.Duration) {
	for {
		t := time.NewTimer(max(w.interval, dutyCycle*took))
		select {
		case <-stop:
			t.Stop()
			return
		case <-t.C:
		}
		took = w.timedSweep()
	}
}

// timedSweep sweeps and says how long it took.
func (w *watcher) timedSweep() time.Duration {
	start := time.Now()
	w.sweep()
	return time.Since(start)
}

// sweep stats the watched files of every repository and queues those that
// changed.
func (w *watcher) sweep() {
	w.mu.Lock()
	repos := w.repos
	w.mu.Unlock()
	var changed []string
	for id, wt := range repos {
		st := w.stamps(wt)
		old, known := w.seen[wt]
		w.seen[wt] = st
		if known && old != st {
			changed = append(changed, id)
		}
	}
	// Forget repositories no longer watched (a rescan removed them).
	if len(w.seen) > len(repos) {
		keep := make(map[string]bool, len(repos))
		for _, wt := range repos {
			keep[wt] = true
		}
		for wt := range w.seen {
			if !keep[wt] {
				delete(w.seen, wt)
				delete(w.paths, wt)
			}
		}
	}
	if len(changed) == 0 {
		return
	}
	w.mu.Lock()
	for _, id := range changed {
		w.pending[id] = true
	}
	w.mu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default:
	}
}

// stamps reads the watched files of the work tree wt; a file that does not
// exist has a zero stamp, so its creation is a change too.
func (w *watcher) stamps(wt string) stamps {
	ps, ok := w.paths[wt]
	if !ok {
		ps = watchedPaths(wt)
		// Not a repository yet: look again next time.
		if len(ps) > 1 {
			w.paths[wt] = ps
		}
	}
	var st stamps
	for i, p := range ps {
		if fi, err := os.Stat(p); err == nil {
			st[i] = stamp{mtime: fi.ModTime().UnixNano(), size: fi.Size()}
		}
	}
	return st
}

// watchedPaths are the files of wt's repository that git rewrites when
// its branch, index or refs change; none when it is not one (yet).
func watchedPaths(wt string) []string {
	r, err := gitobj.Open(wt)
	if err != nil {
		// Watch the .git entry itself: a clone that appears is a change.
		return []string{filepath.Join(wt, ".git")}
	}
	return []string{
		filepath.Join(r.GitDir, "HEAD"), filepath.Join(r.GitDir, "index"),
		filepath.Join(r.GitDir, "FETCH_HEAD"),
		filepath.Join(r.CommonDir, "packed-refs"), filepath.Join(r.CommonDir, "refs", "heads"),
	}
}

// take returns the changed repositories queued so far.
func (w *watcher) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := make([]string, 0, len(w.pending))
	for id := range w.pending {
		ids = append(ids, id)
	}
	clear(w.pending)
	return ids
}

// waitCmd is the re-armed command that delivers the next changes.
func (w *watcher) waitCmd(stop <-chan struct{}) tea.Cmd {
	if w == nil {
		return nil
	}
	return func() tea.Msg {
		for {
			if ids := w.take(); len(ids) > 0 {
				return watchMsg(ids)
			}
			select {
			case <-w.ready:
			case <-stop:
				return nil
			}
		}
	}
}
