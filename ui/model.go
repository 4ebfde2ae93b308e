package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/components/confirm"
	"github.com/mgit-dev/mgit/ui/components/detail"
	"github.com/mgit-dev/mgit/ui/components/filter"
	"github.com/mgit-dev/mgit/ui/components/header"
	"github.com/mgit-dev/mgit/ui/components/prompt"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/styles"
)

// mode is what fills the body of the screen.
type mode int

const (
	modeTable mode = iota
	modeDetail
	modeHelp
	modePager // the log or diff of a repository
)

// startMsg asks for the status of every row: the first refresh, after
// the first frame and the watcher's baseline (startup.go).
type startMsg struct{}

// quitIntent is the confirm dialog's intent for "quit while busy".
type quitIntent struct{}

// cloneIntent is the confirm dialog's intent for cloning many.
type cloneIntent struct{ ids []string }

// runInfo is a run the dashboard submitted and has not seen finish.
type runInfo struct {
	op    engine.Op
	repos int
	// quiet runs (the detail pane's inspect) report nothing when done;
	// probe runs (dry runs) are quiet and never reach the table either.
	quiet, probe bool
}

// model is the root: it routes keys and events to the components and
// turns actions into plans.
type model struct {
	deps    deps
	keys    keys.Map
	styles  *styles.Styles
	noColor bool

	table   repotable.Model
	header  header.Model
	status  statusbar.Model
	filter  filter.Model
	confirm confirm.Model
	prompt  prompt.Model
	git     gitView // the pager: log or diff
	spinner spinner.Model

	mode          mode
	width, height int
	spinning      bool
	runs          map[string]runInfo
	branch        branchFlow   // the branch action between its steps
	inspect       inspectState // the detail pane's data
	submitted     []string     // every run ID, for the wait on exit
	interrupted   bool
	log           zerolog.Logger
	remote        *remoteFeed // upstream listings still to come; nil: none
	live          liveState
}

// deps are the model's ties to the outside, replaceable in tests.
type deps struct {
	ctx    context.Context // the runs' context; cancelled on interrupt
	cancel context.CancelFunc
	submit func(ctx context.Context, plan engine.Plan) string
	pump   *pump
	stop   <-chan struct{}
	now    func() time.Time
	// refresh: after the first frame, take the watcher's baseline and
	// read every row's status (startup.go); discovery first, when the
	// rows came from the cache, whatever refresh says.
	refresh bool

	// The live dashboard: the periodic refresh (every; 0 is off), the
	// watcher of the repositories' git directories (nil: none), discovery
	// for the rescan, and the debounced save (nil saver: none).
	every     time.Duration
	watch     *watcher
	discover  func(context.Context) ([]workspace.Repo, error)
	saver     *saver
	saveEvery time.Duration
	// Row actions: the shell to run in a repository, and the browser
	// (nil: none, the URL is shown).
	shell, editor string
	browse        func(url string) error
}

func (m model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if m.deps.pump != nil {
		cmds = append(cmds, m.deps.pump.waitCmd(m.deps.stop))
	}
	cmds = append(cmds, m.remote.wait())
	cmds = append(cmds, tickCmd(m.deps.every), m.deps.watch.waitCmd(m.deps.stop))
	return tea.Batch(cmds...)
}

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, m.sized()
	case tea.BackgroundColorMsg:
		m.setStyles(styles.New(msg.IsDark(), m.noColor))
	case paintedMsg:
		return m, m.afterFirstFrame()
	case startMsg:
		m.live.started = true
		m.runner().refreshAll()
		return m, m.spin()
	case eventsMsg:
		cmd := m.applyEvents(msg)
		return m, tea.Batch(m.deps.pump.waitCmd(m.deps.stop), m.spin(), cmd)
	case refreshTickMsg, watchMsg:
		return m, tea.Batch(m.live.update(msg, m.runner(), &m.deps), m.spin())
	case rescanMsg:
		m.live.rescanned(m.runner(), msg, m.deps.watch)
		var start tea.Cmd
		if msg.initial {
			// Painted from the cache: the rows are the workspace's now.
			start = m.baselineCmd()
		}
		// The cache forgets the repositories that are gone.
		return m, tea.Batch(m.spin(), m.changed(), start)
	case persistMsg:
		return m, m.live.persist.update(msg, m.deps.saver, m.deps.saveEvery, m.table.Index().Rows())
	case signalMsg:
		m.log.Info().Str("signal", msg.sig.String()).Msg("dashboard: signal, saving and leaving")
		m.interrupted = true
		m.deps.cancel()
		return m, tea.Quit
	case openMsg, shellDoneMsg, toolDoneMsg, diffMsg:
		cmd := m.updateRowAction(msg)
		return m, cmd
	case eventsClosedMsg:
		m.status.Error("the engine stopped")
	case remoteMsg:
		return m, m.remote.apply(RemoteBatch(msg), &m.table, &m.header, &m.status)
	case remoteDoneMsg:
		m.remote.done(&m.status)
	case spinner.TickMsg:
		if m.table.Stats().Busy == 0 {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		m.mouse(msg)
	case tea.KeyPressMsg:
		return m, m.handleKey(msg)
	}
	return m, nil
}

// spin starts the spinner when rows are busy and it is not running.
func (m *model) spin() tea.Cmd {
	if m.spinning || m.table.Stats().Busy == 0 {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

func (m *model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if key.Matches(msg, k.Interrupt) {
		return m.quit(true)
	}
	if cmd, handled := m.overlayKey(msg); handled {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Up):
		m.table.Move(-1)
	case key.Matches(msg, k.Down):
		m.table.Move(1)
	case key.Matches(msg, k.Top):
		m.table.Top()
	case key.Matches(msg, k.Bottom):
		m.table.Bottom()
	case key.Matches(msg, k.PageUp):
		m.table.Page(-1)
	case key.Matches(msg, k.PageDown):
		m.table.Page(1)
	case key.Matches(msg, k.Filter):
		cmd := m.filter.Start()
		m.setSize(m.width, m.height)
		return cmd
	case key.Matches(msg, k.Back):
		if m.table.Index().Filter() != "" {
			m.filter.Clear()
			m.table.SetFilter("")
			m.setSize(m.width, m.height)
		} else {
			m.table.ClearSelection()
		}
	case key.Matches(msg, k.Sort):
		m.table.CycleSort()
		m.status.Info("sorted by " + m.table.Index().SortOrder().String())
	case key.Matches(msg, k.Select):
		m.table.ToggleSelect()
		m.table.Move(1)
	case key.Matches(msg, k.SelectAll):
		m.table.SelectAllShown()
	case key.Matches(msg, k.Detail):
		if r := m.table.Cursor(); r != nil {
			m.mode = modeDetail
			m.inspect.open(m.runner(), r)
		}
	case key.Matches(msg, k.Help):
		m.mode = modeHelp
	case key.Matches(msg, k.Quit):
		return m.quit(false)
	default:
		return m.action(msg)
	}
	return nil
}

// overlayKey gives a key to whatever sits over the table — a
// confirmation, a prompt, the filter being edited, the pager, the detail
// or help view; handled is false when the table has the keys.
func (m *model) overlayKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.keys
	switch {
	case m.confirm.Active():
		var done bool
		var intent any
		m.confirm, done, intent = m.confirm.Update(msg, k)
		if done {
			return m.act(intent), true
		}
		return nil, true
	case m.prompt.Active():
		var done bool
		var answer string
		var intent any
		var cmd tea.Cmd
		m.prompt, done, answer, intent, cmd = m.prompt.Update(msg, k)
		if done {
			return tea.Batch(cmd, m.answered(answer, intent)), true
		}
		return cmd, true
	case m.filter.Editing():
		f, changed, cmd := m.filter.Update(msg, k)
		m.filter = f
		if changed {
			m.table.SetFilter(f.Value())
		}
		m.setSize(m.width, m.height) // the filter line may come or go
		return cmd, true
	case m.mode == modePager:
		var closed bool
		if m.git.pager, closed = m.git.pager.Update(msg, k); closed {
			m.mode, m.git.logRun = modeTable, ""
		}
		return nil, true
	case m.mode != modeTable:
		if key.Matches(msg, k.Back, k.Detail, k.Help, k.Quit) {
			m.mode = modeTable
		}
		return nil, true
	}
	return nil, false
}

// applyEvents changes the rows for a batch of events; the command arms the
// debounced save when a result arrived.
func (m *model) applyEvents(batch eventsMsg) tea.Cmd {
	var finished, cloned bool
	for _, ev := range batch {
		if info := m.runs[ev.EventMeta().RunID]; info.probe {
			m.branch.probe(ev, &m.status, &m.confirm)
			if _, done := ev.(engine.RunFinished); done {
				delete(m.runs, ev.EventMeta().RunID)
			}
			continue
		}
		m.git.logEvent(ev, m.deps.now)
		m.inspect.event(ev)
		m.table.Apply(ev)
		m.header.Observe(ev)
		switch ev := ev.(type) {
		case engine.RunFinished:
			m.live.refreshFinished(ev, m.deps.now())
			m.runner().finished(ev)
		case engine.OpFinished:
			finished = true
			cloned = cloned || ev.Op == engine.OpClone
		}
	}
	m.table.Refresh()
	if cloned {
		m.deps.watch.follow(m.table.Index().Rows())
	}
	if finished {
		return m.changed()
	}
	return nil
}

// changed marks the rows changed for the debounced save.
func (m *model) changed() tea.Cmd {
	return m.live.persist.changed(m.deps.saver, m.deps.saveEvery)
}

func (m *model) setSize(w, h int) {
	m.width, m.height = w, h
	// header, then the table, then filter (when shown), message and help.
	m.table.SetSize(w, max(h-3-m.filterLines(), 2))
	m.filter.SetWidth(w)
	m.git.pager.SetSize(w, max(h-3-m.filterLines(), 2))
}

func (m *model) filterLines() int {
	if m.filter.Editing() || m.table.Index().Filter() != "" {
		return 1
	}
	return 0
}

func (m *model) setStyles(s *styles.Styles) {
	m.styles = s
	m.table.Painter().SetStyles(s)
	m.status.SetStyles(s)
	m.filter.SetStyles(s)
	m.spinner.Style = s.Table.Busy
}

func (m model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "mgit"
	return v
}

// render lays the screen out: header, body, filter, status and help.
func (m model) render() string {
	if m.width == 0 {
		return ""
	}
	now := m.deps.now()
	st := m.table.Stats()
	head := m.header.View(st, m.spinner.View(), now, m.width, m.styles)
	bodyH := max(m.height-3-m.filterLines(), 2)
	var body string
	switch {
	case m.confirm.Active():
		body = m.confirm.View(m.width, bodyH, m.keys, m.styles)
	case m.prompt.Active():
		body = lipgloss.Place(m.width, bodyH, lipgloss.Center, lipgloss.Center, m.prompt.View(m.width, m.keys, m.styles))
	case m.mode == modeHelp:
		body = m.styles.Title.Render("keys") + "\n\n" + m.status.FullHelp(m.width, m.keys)
	case m.mode == modePager:
		body = m.git.pager.View(m.styles)
	case m.mode == modeDetail && m.table.Cursor() != nil:
		body = detail.View(m.table.Cursor(), m.inspect.forRow(m.table.Cursor()), m.width, bodyH, now, m.styles)
	default:
		m.table.Painter().SetSpinner(m.spinner.View())
		body = m.table.View()
	}
	body = lipgloss.NewStyle().Height(bodyH).MaxHeight(bodyH).Render(body)
	out := head + "\n" + body + "\n"
	if m.filterLines() > 0 {
		out += m.filter.View() + "\n"
	}
	return out + m.status.View(m.width, m.keys, m.styles)
}
