package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/keys"
)

// statusOf is a status run's result for repo: the engine's usual events.
func statusOf(run, repo string, st git.Status) []engine.Event {
	return []engine.Event{
		engine.OpQueued{Meta: meta(run, repo, 1), Op: engine.OpStatus},
		engine.OpStarted{Meta: meta(run, repo, 2), Op: engine.OpStatus, Attempt: 1},
		engine.OpFinished{Meta: meta(run, repo, 3), Op: engine.OpStatus, Result: engine.Result{Outcome: engine.OutcomeOK, Status: &st}},
	}
}

func jobIDs(p engine.Plan) []string {
	var ids []string
	for _, j := range p.Jobs {
		ids = append(ids, j.Repo.ID)
	}
	return ids
}

// The periodic refresh reads every cloned row through the engine without
// a key, quietly (the status line keeps what the user last did), and
// does not pile up: while one refresh runs, the next tick waits.
func TestPeriodicRefresh(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m.deps.every = time.Minute
	m.status.Info("what the user did")
	next, cmd := m.Update(refreshTickMsg{})
	m = next.(model)
	if cmd == nil {
		t.Fatal("the tick was not re-armed")
	}
	if len(rec.plans) != 1 || len(rec.plans[0].Jobs) != 6 || rec.plans[0].Jobs[0].Op != engine.OpStatus {
		t.Fatalf("plans %+v, want one status plan of the 6 cloned rows", rec.plans)
	}
	m = update(t, m, refreshTickMsg{})
	if len(rec.plans) != 1 {
		t.Fatalf("a second refresh while the first runs: %d plans", len(rec.plans))
	}
	// The result changes the row on screen; no key was pressed.
	evs := statusOf("run1", "github.com/acme/clean", git.Status{Branch: "main", Upstream: "origin/main", Unstaged: 3})
	evs = append(evs, engine.RunFinished{Meta: meta("run1", "", 4), Summary: engine.Summary{OK: 1}})
	m = update(t, m, eventsMsg(evs))
	row := rowLine(t, screen(m), "github.com/acme/clean")
	if !strings.Contains(row, "dirty") || !strings.Contains(row, "~3") {
		t.Fatalf("row after the refresh: %q", row)
	}
	if s, _ := m.status.Message(); s != "what the user did" {
		t.Fatalf("the quiet refresh wrote %q in the status line", s)
	}
	m = update(t, m, refreshTickMsg{})
	if len(rec.plans) != 2 {
		t.Fatalf("no refresh after the first finished: %d plans", len(rec.plans))
	}
	// A refresh that took longer than the interval makes the next wait
	// as long after it ended.
	m = update(t, m, eventsMsg{engine.RunFinished{Meta: meta("run2", "", 9), Summary: engine.Summary{Duration: 2 * time.Minute}}})
	clock := testNow
	m.deps.now = func() time.Time { return clock }
	clock = clock.Add(time.Minute)
	m = update(t, m, refreshTickMsg{})
	if len(rec.plans) != 2 {
		t.Fatalf("refreshed 1 minute after a refresh of 2: %d plans", len(rec.plans))
	}
	clock = clock.Add(time.Minute)
	m = update(t, m, refreshTickMsg{})
	if len(rec.plans) != 3 {
		t.Fatalf("no refresh 2 minutes after a refresh of 2: %d plans", len(rec.plans))
	}
}

// rowLine is the screen line of the row named name.
func rowLine(t *testing.T, scr, name string) string {
	t.Helper()
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	t.Fatalf("no row %q on screen:\n%s", name, scr)
	return ""
}

// A change the watcher saw is read through the engine for those rows
// only; a busy row is left to its operation.
func TestWatchedChangeRefreshesThatRow(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, eventsMsg{engine.OpQueued{Meta: meta("x", "github.com/acme/dirty", 1), Op: engine.OpPull}})
	m = update(t, m, watchMsg{"github.com/acme/behind", "github.com/acme/dirty", "no/such/row"})
	if len(rec.plans) != 1 || strings.Join(jobIDs(rec.plans[0]), ",") != "github.com/acme/behind" {
		t.Fatalf("plans %+v, want a status of github.com/acme/behind only", rec.plans)
	}
	m = update(t, m, eventsMsg(statusOf("run1", "github.com/acme/behind", git.Status{Branch: "topic", Upstream: "origin/topic"})))
	if row := rowLine(t, screen(m), "github.com/acme/behind"); !strings.Contains(row, "clean") || !strings.Contains(row, "topic") {
		t.Fatalf("row after the change: %q", row)
	}
}

// r refreshes the row under the cursor, ctrl+r every cloned row; the
// help names both, and the rescan.
func TestRefreshAllKey(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, press("r"))
	if len(rec.plans) != 1 || len(rec.plans[0].Jobs) != 1 {
		t.Fatalf("r: plans %+v", rec.plans)
	}
	m = update(t, m, eventsMsg(statusOf("run1", rec.plans[0].Jobs[0].Repo.ID, git.Status{Branch: "main"})))
	m = update(t, m, press("ctrl+r"))
	if len(rec.plans) != 2 || len(rec.plans[1].Jobs) != 6 {
		t.Fatalf("ctrl+r: plans %+v, want the 6 cloned rows", rec.plans)
	}
	mustContain(t, screen(m), "status: 6 repositories…")
	m = update(t, m, press("?"))
	mustContain(t, screen(m), "refresh all", "rescan disk", "refresh status")
}

// D runs discovery again off the Update goroutine: a repository cloned
// since start gets a row and a status read, a vanished one loses its row,
// and a listed one cloned outside the dashboard is cloned now.
func TestRescan(t *testing.T) {
	opt := fixture(t)
	var repos []workspace.Repo
	for _, r := range opt.Repos {
		if r.Rel != "local/failed" { // removed from disk
			repos = append(repos, r)
		}
	}
	repos = append(repos,
		workspace.Repo{Path: "/ws/new/clone", Rel: "new/clone", Kind: workspace.KindRepo},
		workspace.Repo{Path: "/ws/github.com/acme/new", Rel: "github.com/acme/new", Kind: workspace.KindRepo})
	m, rec := newTestModel(t, opt, 120, 40)
	calls := 0
	m.deps.discover = func(context.Context) ([]workspace.Repo, error) { calls++; return repos, nil }
	next, cmd := m.Update(press("D"))
	m = next.(model)
	if cmd == nil || calls != 0 {
		t.Fatalf("D: discovery must run in a command (cmd %v, calls %d)", cmd != nil, calls)
	}
	m = update(t, m, press("D")) // a second D while looking starts nothing
	mustContain(t, screen(m), "rescan: already looking")
	m = update(t, m, cmd())
	scr := screen(m)
	mustContain(t, scr, "new/clone", "rescan: 2 new, 1 gone")
	mustNotContain(t, scr, "local/failed")
	if r := m.table.Row("github.com/acme/new"); r == nil || !r.Cloned {
		t.Fatal("the listed repository cloned outside is not cloned")
	}
	if len(rec.plans) != 1 || strings.Join(jobIDs(rec.plans[0]), ",") != "new/clone,github.com/acme/new" {
		t.Fatalf("plans %+v, want a status of the two new ones", rec.plans)
	}
	// A failed discovery says so and changes nothing.
	m.deps.discover = func(context.Context) ([]workspace.Repo, error) { return nil, errors.New("permission denied") }
	_, cmd = m.Update(press("D"))
	m = update(t, m, press("D"), cmd())
	mustContain(t, screen(m), "rescan: permission denied", "new/clone")
}

// Results are written to the state cache while the dashboard runs, at
// most once per SaveEvery, by a command (not in Update); a write in
// flight holds back the next until it is done.
func TestStateSavedWhileRunning(t *testing.T) {
	opt := fixture(t)
	dir := t.TempDir()
	opt.State = state.Open(dir, zerolog.Nop())
	m, _ := newTestModel(t, opt, 120, 40)
	m.deps.saver, m.deps.saveEvery = newSaver(opt.State, opt.Root, zerolog.Nop()), time.Hour

	next, cmd := m.Update(eventsMsg(statusOf("run1", "github.com/acme/clean", git.Status{Branch: "saved-branch"})))
	m = next.(model)
	if cmd == nil || !m.live.persist.timer {
		t.Fatal("a result did not arm the save timer")
	}
	if got := opt.State.Load(opt.Root); len(got) != 0 {
		t.Fatalf("written before the timer: %d entries", len(got))
	}
	next, write := m.Update(persistMsg{})
	m = next.(model)
	if write == nil {
		t.Fatal("the timer took no snapshot")
	}
	// A result while the write is out arms nothing yet.
	next, cmd = m.Update(eventsMsg(statusOf("run2", "github.com/acme/dirty", git.Status{Branch: "later"})))
	m = next.(model)
	if m.live.persist.timer {
		t.Fatal("timer armed while a write is out")
	}
	m = update(t, m, write())
	if !m.live.persist.timer {
		t.Fatal("the finished write did not re-arm the timer for the later result")
	}
	got := opt.State.Load(opt.Root)
	if e := got["github.com/acme/clean"]; e.Status == nil || e.Status.Branch != "saved-branch" {
		t.Fatalf("cache entry %+v", e)
	}
	// The final save on exit wins over a debounced one still going.
	m.deps.saver.save(finalGen, snapshot(m.table.Rows()))
	m.deps.saver.save(5, map[string]state.Entry{})
	if got := opt.State.Load(opt.Root); len(got) == 0 {
		t.Fatal("an older snapshot replaced the final one")
	}
	_ = cmd
}

// SIGHUP and SIGTERM cancel the runs and quit; Run then saves the state.
func TestSignalQuits(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 120, 40)
	next, cmd := m.Update(signalMsg{sig: syscall.SIGHUP})
	m = next.(model)
	if cmd == nil || cmd() != tea.Quit() || !m.interrupted || m.deps.ctx.Err() == nil {
		t.Fatal("SIGHUP did not cancel and quit")
	}
}

// A provider's failure stays in the header while other messages come and
// go, until the provider answers.
func TestProviderFailureStaysInHeader(t *testing.T) {
	opt := fixture(t)
	opt.Remote = nil
	ch := make(chan RemoteBatch)
	opt.RemoteUpdates = ch
	m, _ := newTestModel(t, opt, 120, 40)
	m = update(t, m, remoteMsg{Source: "ado", Err: errors.New("provider ado: unauthorized")})
	m = update(t, m, startMsg{}, press("s"), eventsMsg(statusOf("run1", "github.com/acme/clean", git.Status{Branch: "main"})))
	head := strings.Split(screen(m), "\n")[0]
	if !strings.Contains(head, "⚠ provider ado: unauthorized") {
		t.Fatalf("header lost the failure: %q", head)
	}
	m = update(t, m, remoteMsg{Source: "ado"})
	mustNotContain(t, strings.Split(screen(m), "\n")[0], "⚠")
}

// At 80 columns the footer keeps help and quit; at 60 the repository
// name has more room than BRANCH; STATE reads in words.
func TestWidths(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		w := size[0]
		m, _ := newTestModel(t, fixture(t), w, size[1])
		lines := strings.Split(screen(m), "\n")
		for i, l := range lines {
			if n := ansi.StringWidth(l); n > w {
				t.Fatalf("%d columns: line %d is %d wide: %q", w, i, n, l)
			}
		}
		foot := lines[len(lines)-1]
		if !strings.Contains(foot, "? help") || !strings.Contains(foot, "q quit") {
			t.Fatalf("%d columns: footer %q", w, foot)
		}
		heading := lines[1]
		name := strings.Index(heading, "STATE") - strings.Index(heading, "REPOSITORY")
		branch := strings.Index(heading, "BRANCH")
		next := len(heading)
		for _, h := range []string{"SYNC", "CHANGES", "LAST OP"} {
			if i := strings.Index(heading, h); i > branch && i < next {
				next = i
			}
		}
		if name <= next-branch {
			t.Fatalf("%d columns: name %d cells, branch %d: %q", w, name, next-branch, heading)
		}
		scr := strings.Join(lines, "\n")
		mustContain(t, scr, "conflict", "needs creds", "not cloned", "1 conflict ")
		if w == 60 {
			mustContain(t, scr, "acme/conflict", "acme/behind")
		}
	}
}

// The quit dialog counts the running operations, not the queued ones.
func TestQuitCountsRunning(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 120, 40)
	var evs eventsMsg
	for i, r := range m.table.Rows() {
		evs = append(evs, engine.OpQueued{Meta: meta("run1", r.ID, 1), Op: engine.OpFetch})
		if i < 2 {
			evs = append(evs, engine.OpStarted{Meta: meta("run1", r.ID, 2), Op: engine.OpFetch, Attempt: 1})
		}
	}
	m = update(t, m, evs, press("q"))
	mustContain(t, screen(m), "2 operations are running, 5 queued.")
	m = update(t, m, press("n"), eventsMsg{engine.OpFinished{Meta: meta("run1", m.table.Rows()[0].ID, 3), Op: engine.OpFetch}}, press("q"))
	mustContain(t, screen(m), "1 operation is running, 5 queued.")
}

// newWatchedModel is a model whose deps have a watcher, as Run wires it.
func newWatchedModel(t *testing.T, opt Options) model {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	d := deps{ctx: ctx, cancel: cancel, submit: (&recorder{}).submit}
	opt.WatchInterval = time.Hour
	liveDeps(&d, opt)
	return newModel(opt, keys.Default(), d)
}

// Run's wiring: the watcher watches the cloned rows, and a rescan's new
// repositories too.
func TestWatcherFollowsRows(t *testing.T) {
	opt := fixture(t)
	m := newWatchedModel(t, opt)
	m.deps.watch.follow(m.table.Rows())
	if n := len(m.deps.watch.repos); n != 6 {
		t.Fatalf("watching %d repositories, want the 6 cloned", n)
	}
	m.deps.discover = func(context.Context) ([]workspace.Repo, error) {
		return append(opt.Repos, workspace.Repo{Path: filepath.Join("/ws", "x"), Rel: "x"}), nil
	}
	_, cmd := m.Update(press("D"))
	m = update(t, m, cmd())
	if _, ok := m.deps.watch.repos["x"]; !ok {
		t.Fatal("the rescanned repository is not watched")
	}
}

// q while only status reads run (the periodic refresh) cancels them and
// quits without asking, and that is no interruption.
func TestQuitDuringRefresh(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, refreshTickMsg{})
	var evs eventsMsg
	for _, r := range m.table.Rows() {
		if r.Cloned {
			evs = append(evs, engine.OpQueued{Meta: meta("run1", r.ID, 1), Op: engine.OpStatus})
		}
	}
	m = update(t, m, evs)
	if m.table.Stats().Busy != 6 {
		t.Fatalf("busy %d", m.table.Stats().Busy)
	}
	next, cmd := m.Update(press("q"))
	m = next.(model)
	if cmd == nil || cmd() != tea.Quit() || m.confirm.Active() || m.interrupted || m.deps.ctx.Err() == nil {
		t.Fatal("q during a status refresh should cancel it and quit at once")
	}
}
