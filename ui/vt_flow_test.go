package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/ui/keys"
)

// These flows run the dashboard in a real tea.Program on a virtual
// terminal (vtscreen_test.go) and read what a user would see: the
// emulator's screen after bubbletea's diffing renderer has drawn it.
// The engine is faked at its two ends, Submit and the event stream, the
// stream going through the same pump Run uses.

// fakeEngine hands the plans the dashboard submits to the test and takes
// the events the test sends.
type fakeEngine struct {
	events chan engine.Event
	plans  chan submittedPlan
	n      int // touched only by the program's Update goroutine
}

type submittedPlan struct {
	id   string
	plan engine.Plan
}

func (f *fakeEngine) submit(_ context.Context, p engine.Plan) string {
	f.n++
	id := fmt.Sprintf("run%d", f.n)
	f.plans <- submittedPlan{id: id, plan: p}
	return id
}

// nextPlan is the next plan the dashboard submitted.
func (f *fakeEngine) nextPlan(t testing.TB) submittedPlan {
	t.Helper()
	select {
	case p := <-f.plans:
		return p
	case <-time.After(vtDeadline):
		t.Fatalf("no plan submitted within %s", vtDeadline)
		return submittedPlan{}
	}
}

func (f *fakeEngine) send(evs ...engine.Event) {
	for _, ev := range evs {
		f.events <- ev
	}
}

// startDashboard runs the dashboard over opt in a w×h virtual terminal,
// wired as Run wires it; with refresh it submits a status run at start.
func startDashboard(t *testing.T, opt Options, w, h int, refresh bool) (*vtTerm, *fakeEngine) {
	t.Helper()
	fe := &fakeEngine{events: make(chan engine.Event, 64), plans: make(chan submittedPlan, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	stop := make(chan struct{})
	p := newPump()
	go p.run(fe.events, stop)
	// Registered before startVT's cleanup, so it runs after the program
	// stopped: closing stop releases the pump and its waiting command.
	t.Cleanup(func() {
		close(stop)
		cancel()
	})
	m := newModel(opt, keys.Default(), deps{
		ctx: ctx, cancel: cancel, submit: fe.submit,
		pump: p, stop: stop, refresh: refresh,
	})
	return startVT(t, m, w, h), fe
}

// shows is a condition: the screen holds every want and none of bad.
func shows(want []string, bad ...string) func(string) bool {
	return func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		for _, b := range bad {
			if strings.Contains(s, b) {
				return false
			}
		}
		return true
	}
}

// hasLinePrefix says whether a line of the screen starts with p (rows
// start with the cursor column, so only the filter line starts with "/x").
func hasLinePrefix(screen, p string) bool {
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// fixtureRows are what the rows show of their names at 100 columns (the
// long one keeps its tail).
var fixtureRows = []string{
	"github.com/acme/behind", "github.com/acme/clean", "github.com/acme/conflict",
	"github.com/acme/dirty", "github.com/acme/new", "sub/very-long-repository-name", "local/failed",
}

// TestVTFilterFlow: first paint from the cache, / and a filter leave
// only the matching row on the screen, Esc brings every row back.
func TestVTFilterFlow(t *testing.T) {
	v, _ := startDashboard(t, fixture(t), 100, 24, false)
	v.waitFor("first paint from the cache", shows(append([]string{"REPOSITORY", "+1 ~2 ?3 ≡1", "✗ pull auth"}, fixtureRows...)))
	if head := v.line(0); !strings.HasPrefix(head, "mgit /ws  7 repos") {
		t.Fatalf("header %q", head)
	}

	v.typeText("/dir")
	// The rows that no longer match must be gone from the screen, not
	// just from the model: the diffing renderer has to erase them.
	others := []string{"acme/behind", "acme/clean", "acme/conflict", "acme/new", "very-long", "local/failed"}
	// The wait includes the whole filter line: "/di" matches as well.
	s := v.waitFor("only the matching row", func(s string) bool {
		return shows([]string{"1/7 repos", "github.com/acme/dirty"}, others...)(s) && hasLinePrefix(s, "/dir")
	})
	if row := v.lineWith("github.com/acme/dirty"); !strings.Contains(row, "feature/log") {
		t.Fatalf("filtered row %q\n%s", row, s)
	}

	v.pressEsc()
	v.waitFor("every row back and the filter line gone", func(s string) bool {
		return shows(fixtureRows, "1/7")(s) && !hasLinePrefix(s, "/dir")
	})
	if head := v.line(0); !strings.HasPrefix(head, "mgit /ws  7 repos") {
		t.Fatalf("header after esc %q", head)
	}
}

// TestVTEngineEventsFlow: the background status run and a fetch on the
// selection report through the event stream; the rows, the header and
// the status line follow, and the one failure shows its cause.
func TestVTEngineEventsFlow(t *testing.T) {
	const w, h = 120, 30
	v, fe := startDashboard(t, fixture(t), w, h, true)
	v.waitText("↓4", "!1", "7 repositories; reading their status…")

	// The refresh after the first paint: one status run over the six
	// cloned repositories.
	status := fe.nextPlan(t)
	if len(status.plan.Jobs) != 6 || status.plan.Jobs[0].Op != engine.OpStatus {
		t.Fatalf("refresh plan %+v", status.plan)
	}
	seq := uint64(0)
	next := func() uint64 { seq++; return seq }
	queueAndStart(fe, status, next)
	v.waitText("6 busy")
	for _, j := range status.plan.Jobs {
		st := &git.Status{Branch: "main", Upstream: "origin/main"}
		if j.Repo.ID == "github.com/acme/conflict" {
			st.Ahead = 3 // pushed elsewhere, conflict resolved
		}
		fe.send(engine.OpFinished{Meta: meta(status.id, j.Repo.ID, next()), Op: engine.OpStatus, OpID: j.Repo.ID,
			Duration: 40 * time.Millisecond, Result: engine.Result{Outcome: engine.OutcomeOK, Status: st}})
	}
	fe.send(engine.RunFinished{Meta: meta(status.id, "", next()), Summary: engine.Summary{OK: 6, Duration: 800 * time.Millisecond}})
	v.waitFor("the refreshed rows", shows([]string{"status of 6 repositories: 6 ok", "↑3"}, "busy", "↓4", "!1", "+1 ~2 ?3"))

	// Select everything shown and fetch: the not-cloned row is left out.
	v.typeText("af")
	v.waitText("fetch: 6 repositories (1 not cloned or busy, left out)…")
	fetch := fe.nextPlan(t)
	if len(fetch.plan.Jobs) != 6 {
		t.Fatalf("fetch plan has %d jobs", len(fetch.plan.Jobs))
	}
	const failing = "github.com/acme/clean"
	for _, j := range fetch.plan.Jobs {
		if j.Op != engine.OpFetch || j.Repo.ID == "github.com/acme/new" {
			t.Fatalf("fetch job %+v", j)
		}
	}
	queueAndStart(fe, fetch, next)
	for _, j := range fetch.plan.Jobs {
		ev := engine.OpFinished{Meta: meta(fetch.id, j.Repo.ID, next()), Op: engine.OpFetch, OpID: j.Repo.ID,
			Duration: 300 * time.Millisecond, Result: engine.Result{Outcome: engine.OutcomeOK}}
		if j.Repo.ID == failing {
			ev.Err = &git.Error{Op: "fetch", Kind: git.ErrAuth, Detail: "could not read Username"}
			ev.Result = engine.Result{Outcome: engine.OutcomeFailed}
		}
		fe.send(ev)
	}
	fe.send(engine.RunFinished{Meta: meta(fetch.id, "", next()), Summary: engine.Summary{OK: 5, Failed: 1, Duration: 2 * time.Second}})

	wantStatus := "fetch of 6 repositories: 5 ok, 1 failed — enter on a ✗ row for details, R retries (2s)"
	s := v.waitFor("the fetch results", shows([]string{wantStatus, "✗ fetch auth"}, "busy"))
	if got := v.line(h - 2); !strings.Contains(got, wantStatus) {
		t.Fatalf("status line %q\n%s", got, s)
	}
	// At this width the table drops the host the rows share.
	if row := v.lineWith("acme/clean "); !strings.Contains(row, "✗ fetch auth") {
		t.Fatalf("failed row %q\n%s", row, s)
	}
	for _, id := range []string{"acme/behind ", "acme/dirty ", "local/failed "} {
		if row := v.lineWith(id); !strings.Contains(row, "✓ fetch 300ms") {
			t.Fatalf("row %q\n%s", row, s)
		}
	}
	if row := v.lineWith("github.com/acme/new"); strings.Contains(row, "fetch") {
		t.Fatalf("not-cloned row was fetched: %q", row)
	}
	// The header counts the new failure; the old pull failure was
	// replaced by a successful fetch.
	if head := v.line(0); !strings.Contains(head, "7 selected") || !strings.Contains(head, "1 failed") {
		t.Fatalf("header %q", head)
	}
}

// queueAndStart sends what the engine sends when it takes a plan: every
// job queued (rows count as busy from then), then every job started.
func queueAndStart(fe *fakeEngine, p submittedPlan, next func() uint64) {
	for _, j := range p.plan.Jobs {
		fe.send(engine.OpQueued{Meta: meta(p.id, j.Repo.ID, next()), Op: j.Op, OpID: j.Repo.ID})
	}
	for _, j := range p.plan.Jobs {
		fe.send(engine.OpStarted{Meta: meta(p.id, j.Repo.ID, next()), Op: j.Op, OpID: j.Repo.ID, Attempt: 1})
	}
}

// TestVTHelpThenQuit: ? shows every binding of the keymap, q goes back
// to the table, q again quits and leaves the terminal as it was.
func TestVTHelpThenQuit(t *testing.T) {
	v, _ := startDashboard(t, fixture(t), 120, 40, false)
	v.waitText("REPOSITORY", "local/failed")

	v.typeText("?")
	var want []string
	for _, group := range keys.Default().FullHelp() {
		for _, b := range group {
			want = append(want, b.Help().Desc)
		}
	}
	s := v.waitFor("the full help", shows(want, "REPOSITORY"))
	for _, b := range []string{"ctrl+c cancel all and quit", "R retry failed", "b checkout branch"} {
		if !strings.Contains(strings.Join(strings.Fields(s), " "), b) {
			t.Fatalf("help lacks %q:\n%s", b, s)
		}
	}

	v.typeText("q")
	v.waitFor("the table back", shows([]string{"REPOSITORY", "local/failed"}, "cancel all and quit"))

	v.typeText("q")
	final, err := v.finish()
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	fm, ok := final.(model)
	if !ok {
		t.Fatalf("final model %T", final)
	}
	if fm.mode != modeTable || fm.interrupted || len(fm.submitted) != 0 {
		t.Fatalf("final model: mode %d, interrupted %v, submitted %v", fm.mode, fm.interrupted, fm.submitted)
	}
	// The whole output, replayed, leaves the user's terminal as it was:
	// back on the main screen, which the dashboard never drew on, with
	// the cursor shown.
	if v.emu.IsAltScreen() || v.emu.CursorHidden() {
		t.Fatalf("terminal not restored: alt screen %v, cursor hidden %v", v.emu.IsAltScreen(), v.emu.CursorHidden())
	}
	if s := strings.TrimSpace(v.screen()); s != "" {
		t.Fatalf("main screen after quit:\n%s", s)
	}
}
