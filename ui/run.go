package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/components/filter"
	"github.com/mgit-dev/mgit/ui/components/header"
	"github.com/mgit-dev/mgit/ui/components/pager"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/styles"
)

// ErrInterrupted is returned by Run when the user quit with operations
// running and they were cancelled (exit status 130).
var ErrInterrupted = errors.New("dashboard interrupted: running operations were cancelled")

// Options configure the dashboard.
type Options struct {
	// Engine runs every action; Run consumes its Events while it runs.
	Engine *engine.Engine
	// Root is the workspace directory; Repos the repositories discovered
	// in it.
	Root  string
	Repos []workspace.Repo
	// Remote are upstream repositories; those not cloned under Root get
	// rows of their own. May be nil.
	Remote []provider.Repo
	// Dest is where a remote repository is cloned (the workspace layout).
	// Needed only with Remote or RemoteUpdates.
	Dest func(provider.Repo) (dest string, err error)
	// RemoteUpdates delivers upstream repositories listed after the first
	// paint (see RemoteBatch); the sender closes it when every provider
	// has answered. May be nil.
	RemoteUpdates <-chan RemoteBatch
	// Events, when set, is read instead of Engine.Events(): a copy of the
	// engine's stream (e.g. through a metrics tap), closed when it is.
	Events <-chan engine.Event
	// State is the last-known-state cache; nil paints from nothing and
	// saves nothing.
	State *state.Store
	// Cached are State's entries for Root when the caller has read them
	// already; nil: Run reads them.
	Cached map[string]state.Entry
	// PaintFromCache paints the first frame from the cached entries that
	// know their repository's place (Repos is then ignored); discovery
	// (Rediscover) runs after that frame, and its result reconciles the
	// rows as the rescan key does before the status of every row is read.
	// False: Repos is what discovery found.
	PaintFromCache bool
	// KeyOverrides replaces the keys of actions (see keys.Actions).
	KeyOverrides map[string][]string
	// Logger receives the dashboard's logs; point it at a file, never at
	// the terminal.
	Logger zerolog.Logger
	// Input and Output default to the terminal.
	Input  io.Reader
	Output io.Writer
	// Getenv reads NO_COLOR; nil means os.Getenv.
	Getenv func(string) string
	// Now is the clock for ages; nil means time.Now.
	Now func() time.Time

	// RefreshInterval is how often every row's status is read again
	// (through the engine); 0 means DefaultRefreshInterval, negative off.
	RefreshInterval time.Duration
	// WatchInterval is how often the git directories of the repositories
	// are looked at for changes made outside the dashboard (see watcher);
	// 0 means DefaultWatchInterval, negative off.
	WatchInterval time.Duration
	// SaveEvery is the most often State is written while results arrive;
	// 0 means DefaultSaveEvery.
	SaveEvery time.Duration
	// Rediscover finds the repositories under Root again for the rescan
	// key; nil means workspace.Discover with its defaults.
	Rediscover func(context.Context) ([]workspace.Repo, error)
}

// Run shows the dashboard until the user quits. Invalid options (key
// overrides) are reported before the terminal is touched. When the user
// quits while operations run, they are cancelled, Run waits for the
// engine to report them finished, saves the state and returns
// ErrInterrupted.
func Run(ctx context.Context, opt Options) error {
	if opt.Engine == nil {
		return errors.New("dashboard: no engine")
	}
	km, err := keys.WithOverrides(opt.KeyOverrides)
	if err != nil {
		return fmt.Errorf("dashboard: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	p := newPump()
	events := opt.Engine.Events()
	if opt.Events != nil {
		events = opt.Events
	}
	go p.run(events, stop)
	defer close(stop)

	// The discovery painting from the cache waits for, the watcher and the
	// first status read start after the first frame (startup.go).
	d := deps{
		ctx: runCtx, cancel: cancel, submit: opt.Engine.Submit,
		pump: p, stop: stop, refresh: true,
	}
	liveDeps(&d, opt)
	actionDeps(&d, environ(opt))
	m := newModel(opt, km, d)
	var popts []tea.ProgramOption
	popts = append(popts, tea.WithContext(ctx))
	if opt.Input != nil {
		popts = append(popts, tea.WithInput(opt.Input))
	}
	if opt.Output != nil {
		popts = append(popts, tea.WithOutput(opt.Output))
	}
	prog := tea.NewProgram(m, popts...)
	signalled := forwardSignals(prog, stop)
	final, runErr := prog.Run()
	fm, _ := final.(model)
	if fm.runs == nil {
		fm = m
	}
	interrupted := fm.interrupted || errors.Is(runErr, tea.ErrInterrupted) || ctx.Err() != nil || signalled()
	cancel()
	// Wait for the cancelled runs so that no engine goroutine is left
	// blocked sending to a channel nobody reads.
	// The bound is a safety net: cancelled git processes stop within a
	// second.
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	if !p.waitRuns(fm.submitted, deadline.C) {
		opt.Logger.Warn().Msg("dashboard: runs did not finish within 30s of cancellation")
	}
	if d.saver != nil {
		d.saver.save(finalGen, snapshot(fm.table.Index().Rows()))
	}
	switch {
	case errors.Is(runErr, tea.ErrInterrupted) || interrupted:
		return ErrInterrupted
	case runErr != nil:
		return fmt.Errorf("dashboard: %w", runErr)
	}
	return nil
}

// newModel builds the model and its rows, painted from the state cache.
func newModel(opt Options, km keys.Map, d deps) model {
	getenv := environ(opt)
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	d.now = now
	noColor := getenv("NO_COLOR") != ""
	st := styles.New(true, noColor)
	m := model{
		deps: d, keys: km, styles: st, noColor: noColor,
		table:   repotable.New(st, now),
		header:  header.New(displayRoot(opt.Root, getenv("HOME"))),
		status:  statusbar.New(st),
		filter:  filter.New(st),
		git:     gitView{pager: pager.New()},
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Table.Busy)),
		runs:    map[string]runInfo{},
		log:     opt.Logger,
	}
	m.table.Add(buildRows(opt)...)
	if opt.PaintFromCache {
		// The rescan key waits for this discovery rather than start another.
		m.live.discoverFirst, m.live.rescanning = true, true
	}
	if m.deps.discover == nil {
		m.deps.discover = discoverOf(opt)
	}
	m.remote = newRemoteFeed(opt, d.stop)
	if n := m.table.Stats().Total; n == 0 {
		m.status.Info("no repositories under " + opt.Root)
	} else {
		m.status.Info(fmt.Sprintf("%d repositories; reading their status…", n))
	}
	return m
}

// buildRows makes one row per discovered repository and one per remote
// repository not cloned where the layout puts it, filled from the cache.
func buildRows(opt Options) []*repotable.Row {
	cached := opt.Cached
	if cached == nil && opt.State != nil {
		cached = opt.State.Load(opt.Root)
	}
	var rows []*repotable.Row
	if opt.PaintFromCache {
		rows = cachedRows(cached, len(opt.Remote))
	} else {
		rows = make([]*repotable.Row, 0, len(opt.Repos)+len(opt.Remote))
		var fill repotable.Filler
		for _, r := range opt.Repos {
			row := repotable.NewRow(r.Rel, r.Path, "")
			row.Cloned, row.Kind = true, string(r.Kind)
			fill.Fill(row, cached[r.Rel])
			rows = append(rows, row)
		}
	}
	if opt.Dest != nil && len(opt.Remote) > 0 {
		byPath := make(map[string]*repotable.Row, len(rows)+len(opt.Remote))
		for _, row := range rows {
			byPath[filepath.Clean(row.Path)] = row
		}
		rows = append(rows, remoteRows(opt.Remote, opt.Dest, opt.Root, byPath, cached, opt.Logger)...)
	}
	return rows
}

// cachedRows are the rows of the repositories the cache knows the place
// of, as the last discovery found them, sorted by ID as discovery sorts
// them, with room for more rows.
func cachedRows(cached map[string]state.Entry, more int) []*repotable.Row {
	// The IDs are sorted, not the rows: strings sort without a
	// comparison function.
	ids := make([]string, 0, len(cached))
	for id, e := range cached {
		if e.Path != "" {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	rows := make([]*repotable.Row, len(ids), len(ids)+more)
	fill := func(part []*repotable.Row, ids []string) {
		var f repotable.Filler
		for i, id := range ids {
			e := cached[id]
			row := repotable.NewRow(id, e.Path, "")
			row.Cloned, row.Kind = true, e.Kind
			f.Fill(row, e)
			part[i] = row
		}
	}
	// Making and sanitizing the rows is most of the first frame's work at
	// 10,000 repositories, and nothing else runs before that frame: two
	// halves use two cores, and on a loaded machine two threads get twice
	// one's share of the CPU. (The map is only read.)
	if n := len(ids); n >= parallelRows && runtime.GOMAXPROCS(0) > 1 {
		var wg sync.WaitGroup
		wg.Go(func() { fill(rows[:n/2], ids[:n/2]) })
		fill(rows[n/2:], ids[n/2:])
		wg.Wait()
	} else {
		fill(rows, ids)
	}
	return rows
}

// parallelRows is the number of cached rows from which they are made on
// two goroutines: below it a goroutine's start costs more than it saves.
const parallelRows = 2000

// displayRoot shortens the home directory to ~.
func displayRoot(root, home string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	if home != "" && (root == home || strings.HasPrefix(root, home+string(filepath.Separator))) {
		return "~" + root[len(home):]
	}
	return root
}
