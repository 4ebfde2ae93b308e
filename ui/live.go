package ui

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
)

// DefaultRefreshInterval is how often every row's status is read again
// when Options.RefreshInterval is 0.
const DefaultRefreshInterval = 30 * time.Second

type (
	// refreshTickMsg asks for the periodic refresh of every row.
	refreshTickMsg struct{}
	// rescanMsg is what discovery found when the user asked again.
	rescanMsg struct {
		repos []workspace.Repo
		err   error
		// initial marks the discovery that started with the dashboard,
		// painted from the cache until it came.
		initial bool
	}
	// signalMsg is SIGHUP or SIGTERM: save and leave.
	signalMsg struct{ sig os.Signal }
)

// liveState is the model's bookkeeping of the work it starts by itself.
type liveState struct {
	refreshRun string // the periodic refresh in flight, "" when none
	// How long the last periodic refresh took and when it ended: the next
	// waits at least as long, so a workspace too big to read within the
	// interval gets a refresh every other interval, not a disk always busy.
	refreshTook  time.Duration
	refreshEnded time.Time
	rescanning   bool
	persist      persistState
	// discoverFirst: the rows came from the cache and discovery runs
	// after the first frame (Options.PaintFromCache), until its result
	// came.
	discoverFirst bool
	// armed: the start deferred until the first frame is on its way
	// (startup.go); started: the first refresh was asked, after the
	// watcher's baseline, and the periodic refresh waits for it.
	armed, started bool
}

// update handles the live dashboard's reasons to read status again: the
// periodic refresh and the watcher's changes. The model adds the spinner.
func (l *liveState) update(msg tea.Msg, r runner, d *deps) tea.Cmd {
	switch msg := msg.(type) {
	case refreshTickMsg:
		if d.refresh && !l.started {
			// The first refresh is still to come, after the watcher's
			// baseline (startup.go): not before it.
			return tickCmd(d.every)
		}
		_, running := r.runs[l.refreshRun]
		rested := d.now().Sub(l.refreshEnded) >= l.refreshTook
		if !running && rested {
			l.refreshRun = r.refreshQuietly(r.clonedIdle())
		}
		return tickCmd(d.every)
	case watchMsg:
		var rows []*repotable.Row
		for _, id := range msg {
			if row := r.table.Index().Row(id); row != nil && row.Cloned && !row.Busy() {
				rows = append(rows, row)
			}
		}
		r.refreshQuietly(rows)
		return d.watch.waitCmd(d.stop)
	}
	return nil
}

// discoverCmd runs the discovery the rows painted from the cache wait
// for; its result is the initial rescanMsg.
func (l *liveState) discoverCmd(d *deps) tea.Cmd {
	discover, ctx := d.discover, d.ctx
	return func() tea.Msg {
		repos, err := discover(ctx)
		return rescanMsg{repos: repos, err: err, initial: true}
	}
}

// tickCmd arms the next periodic refresh; nil when it is off (every <= 0).
func tickCmd(every time.Duration) tea.Cmd {
	if every <= 0 {
		return nil
	}
	return tea.Tick(every, func(time.Time) tea.Msg { return refreshTickMsg{} })
}

// refreshFinished remembers how long the periodic refresh took.
func (l *liveState) refreshFinished(ev engine.RunFinished, now time.Time) {
	if ev.RunID != "" && ev.RunID == l.refreshRun {
		l.refreshTook, l.refreshEnded = ev.Summary.Duration, now
	}
}

// rescan runs discovery again in the background.
func (l *liveState) rescan(status *statusbar.Model, d *deps) tea.Cmd {
	if l.rescanning {
		status.Info("rescan: already looking")
		return nil
	}
	discover := d.discover
	if discover == nil {
		status.Error("rescan: not available")
		return nil
	}
	l.rescanning = true
	status.Info("rescan: looking for repositories…")
	ctx := d.ctx
	return func() tea.Msg {
		repos, err := discover(ctx)
		return rescanMsg{repos: repos, err: err}
	}
}

// rescanned adds the repositories cloned since the last look, reads their
// status, and takes away the rows of repositories that are gone: a
// discovered one vanishes, a listed one is "not cloned" again.
func (l *liveState) rescanned(r runner, msg rescanMsg, w *watcher) {
	l.rescanning = false
	if msg.initial {
		// The cached rows were painted; their status is read once the
		// workspace is known and the watcher has its baseline (the model
		// goes on with startup.go's baselineCmd).
		l.discoverFirst = false
	}
	if msg.err != nil {
		r.log.Warn().Err(msg.err).Msg("rescan")
		if len(msg.repos) == 0 {
			r.status.Error("rescan: " + msg.err.Error())
			return
		}
	}
	added, gone := reconcile(r.table, msg.repos)
	w.follow(r.table.Index().Rows())
	if msg.initial {
		r.status.Info(fmt.Sprintf("%d repositories (%d new, %d gone); reading their status…",
			r.table.Stats().Total, len(added), len(gone)))
		return
	}
	r.refreshQuietly(added)
	r.status.Info(fmt.Sprintf("rescan: %d new, %d gone", len(added), len(gone)))
}

// reconcile makes the table's rows what discovery found: rows for the
// repositories new to it (added, with those cloned outside the
// dashboard), and the IDs of the discovered rows it removed.
func reconcile(t *repotable.Model, repos []workspace.Repo) (added []*repotable.Row, gone []string) {
	found := make(map[string]bool, len(repos))
	byPath := make(map[string]*repotable.Row, len(t.Index().Rows()))
	for _, r := range t.Index().Rows() {
		byPath[filepath.Clean(r.Path)] = r
	}
	for _, repo := range repos {
		p := filepath.Clean(repo.Path)
		found[p] = true
		if r := byPath[p]; r != nil {
			if !r.Cloned { // cloned outside the dashboard
				r.Cloned, r.Kind = true, string(repo.Kind)
				added = append(added, r)
			}
			continue
		}
		row := repotable.NewRow(repo.Rel, repo.Path, "")
		row.Cloned, row.Kind = true, string(repo.Kind)
		added = append(added, row)
		t.Add(row)
	}
	for _, r := range t.Index().Rows() {
		if !r.Cloned || r.Busy() || found[filepath.Clean(r.Path)] {
			continue
		}
		if r.URL == "" {
			gone = append(gone, r.ID)
		} else {
			r.Cloned, r.Status = false, nil
		}
	}
	t.Remove(gone...)
	return added, gone
}

// defaultDiscover is the rescan of a dashboard whose caller gave none:
// discovery with the defaults `mgit status` uses.
func defaultDiscover(root string) func(context.Context) ([]workspace.Repo, error) {
	return func(ctx context.Context) ([]workspace.Repo, error) {
		return workspace.Discover(ctx, root, workspace.Options{IncludeWorktrees: true})
	}
}

// discoverOf is discovery as opt asks for it: Rediscover, else the
// defaults `mgit status` uses.
func discoverOf(opt Options) func(context.Context) ([]workspace.Repo, error) {
	if opt.Rediscover != nil {
		return opt.Rediscover
	}
	return defaultDiscover(opt.Root)
}

// liveDeps fills the live dashboard's dependencies from opt.
func liveDeps(d *deps, opt Options) {
	d.every = opt.RefreshInterval
	if d.every == 0 {
		d.every = DefaultRefreshInterval
	}
	if iv := opt.WatchInterval; iv >= 0 {
		if iv == 0 {
			iv = DefaultWatchInterval
		}
		d.watch = newWatcher(iv)
	}
	d.discover = discoverOf(opt)
	d.saver = newSaver(opt.State, opt.Root, opt.Logger)
	d.saveEvery = opt.SaveEvery
	if d.saveEvery <= 0 {
		d.saveEvery = DefaultSaveEvery
	}
}

// forwardSignals turns SIGHUP (the terminal went away) and SIGTERM into
// a signalMsg, so that the dashboard cancels its runs and Run saves the
// state before the process ends; the result says whether one came.
// (bubbletea quits on SIGTERM by itself, maybe before the message
// arrives: the flag still makes Run treat it as an interruption.)
func forwardSignals(p *tea.Program, stop <-chan struct{}) func() bool {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP, syscall.SIGTERM)
	var got atomic.Bool
	go func() {
		defer signal.Stop(ch)
		select {
		case s := <-ch:
			got.Store(true)
			p.Send(signalMsg{sig: s})
		case <-stop:
		}
	}()
	return got.Load
}
