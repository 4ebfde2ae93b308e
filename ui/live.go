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
	// initial delivers the discovery that runs while the dashboard paints
	// from the cache (see Options.Discovery); nil when none runs.
	initial <-chan Discovered
}

// updateLive handles the messages of the live dashboard: the periodic
// refresh, the watcher's changes, rescans, saves and signals.
func (m *model) updateLive(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case refreshTickMsg:
		_, running := m.runs[m.live.refreshRun]
		rested := m.deps.now().Sub(m.live.refreshEnded) >= m.live.refreshTook
		if !running && rested {
			r := m.runner()
			m.live.refreshRun = r.refreshQuietly(r.clonedIdle())
		}
		return tea.Batch(m.tickCmd(), m.spin())
	case watchMsg:
		var rows []*repotable.Row
		for _, id := range msg {
			if r := m.table.Row(id); r != nil && r.Cloned && !r.Busy() {
				rows = append(rows, r)
			}
		}
		m.runner().refreshQuietly(rows)
		return tea.Batch(m.deps.watch.waitCmd(m.deps.stop), m.spin())
	case rescanMsg:
		m.rescanned(msg)
		// The cache forgets the repositories that are gone.
		return tea.Batch(m.spin(), m.changed())
	case persistMsg:
		return m.persisted(msg)
	case signalMsg:
		m.log.Info().Str("signal", msg.sig.String()).Msg("dashboard: signal, saving and leaving")
		m.interrupted = true
		m.deps.cancel()
		return tea.Quit
	}
	return nil
}

// liveCmds are the commands Init starts for the live dashboard.
func (m model) liveCmds() []tea.Cmd {
	return []tea.Cmd{m.tickCmd(), m.deps.watch.waitCmd(m.deps.stop), m.initialCmd()}
}

// initialCmd waits for the discovery that started with the dashboard;
// nil when none runs.
func (m model) initialCmd() tea.Cmd {
	ch, stop := m.live.initial, m.deps.stop
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case d := <-ch:
			return rescanMsg{repos: d.Repos, err: d.Err, initial: true}
		case <-stop:
			return nil
		}
	}
}

// tickCmd arms the next periodic refresh; nil when it is off.
func (m *model) tickCmd() tea.Cmd {
	if m.deps.every <= 0 {
		return nil
	}
	return tea.Tick(m.deps.every, func(time.Time) tea.Msg { return refreshTickMsg{} })
}

// refreshFinished remembers how long the periodic refresh took.
func (m *model) refreshFinished(ev engine.RunFinished) {
	if ev.RunID != "" && ev.RunID == m.live.refreshRun {
		m.live.refreshTook, m.live.refreshEnded = ev.Summary.Duration, m.deps.now()
	}
}

// rescan runs discovery again in the background.
func (m *model) rescan() tea.Cmd {
	if m.live.rescanning {
		m.status.Info("rescan: already looking")
		return nil
	}
	discover := m.deps.discover
	if discover == nil {
		m.status.Error("rescan: not available")
		return nil
	}
	m.live.rescanning = true
	m.status.Info("rescan: looking for repositories…")
	ctx := m.deps.ctx
	return func() tea.Msg {
		repos, err := discover(ctx)
		return rescanMsg{repos: repos, err: err}
	}
}

// rescanned adds the repositories cloned since the last look, reads their
// status, and takes away the rows of repositories that are gone: a
// discovered one vanishes, a listed one is "not cloned" again.
func (m *model) rescanned(msg rescanMsg) {
	m.live.rescanning = false
	if msg.initial {
		// The cached rows were painted; their status is read now that
		// the workspace is known, as it is at start without a cache.
		m.live.initial = nil
		defer m.runner().refreshAll()
	}
	if msg.err != nil {
		m.log.Warn().Err(msg.err).Msg("rescan")
		if len(msg.repos) == 0 {
			m.status.Error("rescan: " + msg.err.Error())
			return
		}
	}
	found := make(map[string]bool, len(msg.repos))
	byPath := make(map[string]*repotable.Row, len(m.table.Rows()))
	for _, r := range m.table.Rows() {
		byPath[filepath.Clean(r.Path)] = r
	}
	var added []*repotable.Row
	for _, repo := range msg.repos {
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
		m.table.Add(row)
	}
	var gone []string
	for _, r := range m.table.Rows() {
		if !r.Cloned || r.Busy() || found[filepath.Clean(r.Path)] {
			continue
		}
		if r.URL == "" {
			gone = append(gone, r.ID)
		} else {
			r.Cloned, r.Status = false, nil
		}
	}
	m.table.Remove(gone...)
	m.syncWatch()
	if msg.initial {
		m.status.Info(fmt.Sprintf("%d repositories (%d new, %d gone); reading their status…",
			m.table.Stats().Total, len(added), len(gone)))
		return
	}
	m.runner().refreshQuietly(added)
	m.status.Info(fmt.Sprintf("rescan: %d new, %d gone", len(added), len(gone)))
}

// syncWatch tells the watcher which repositories to watch: the cloned
// rows.
func (m *model) syncWatch() {
	if m.deps.watch == nil {
		return
	}
	repos := map[string]string{}
	for _, r := range m.table.Rows() {
		if r.Cloned {
			repos[r.ID] = r.Path
		}
	}
	m.deps.watch.set(repos)
}

// defaultDiscover is the rescan of a dashboard whose caller gave none:
// discovery with the defaults `mgit status` uses.
func defaultDiscover(root string) func(context.Context) ([]workspace.Repo, error) {
	return func(ctx context.Context) ([]workspace.Repo, error) {
		return workspace.Discover(ctx, root, workspace.Options{IncludeWorktrees: true})
	}
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
	d.discover = opt.Rediscover
	if d.discover == nil {
		d.discover = defaultDiscover(opt.Root)
	}
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
