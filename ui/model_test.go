package ui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

func meta(run, repo string, seq uint64) engine.Meta {
	return engine.Meta{RunID: run, RepoID: repo, Seq: seq, Time: testNow}
}

func TestFirstPaintFromCache(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	s := screen(m)
	mustContain(t, s, "7 repos", "2 dirty", "1 not cloned", "feature/login", "↓4", "+1 ~2 ?3 ≡1", "✗ pull auth", "not cloned")
	// The flags column comes from 140 cells on.
	mustContain(t, screen(update(t, m, tea.WindowSizeMsg{Width: 160, Height: 40})), "arch", "fork", "gone")
	// The commit subject's escape sequence was stripped on the way in.
	mustContain(t, s, "WIP red login")
	mustNotContain(t, m.View().Content, "\x1b[31mred")
	if len(rec.plans) != 0 {
		t.Fatal("submitted before start")
	}
	// startMsg submits one status plan for every cloned repository.
	update(t, m, startMsg{})
	if len(rec.plans) != 1 || len(rec.plans[0].Jobs) != 6 || rec.plans[0].Jobs[0].Op != engine.OpStatus {
		t.Fatalf("plans = %+v", rec.plans)
	}
}

func TestMovementAndSelection(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 100, 24)
	if m.table.Cursor().ID != "github.com/acme/behind" {
		t.Fatalf("cursor at %s", m.table.Cursor().ID)
	}
	m = update(t, m, keysOf("j", "down", "k")...)
	if got := m.table.Cursor().ID; got != "github.com/acme/clean" {
		t.Fatalf("after j,down,k cursor at %s", got)
	}
	m = update(t, m, keysOf("G")...)
	if got := m.table.Cursor().ID; got != "local/failed" {
		t.Fatalf("after G: %s", got)
	}
	m = update(t, m, keysOf("g")...)
	m = update(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if got := m.table.Cursor().ID; got != "github.com/acme/dirty" {
		t.Fatalf("after wheel: %s", got)
	}
	// space selects and moves down; pull acts on the selection only.
	m = update(t, m, keysOf("g", "space", "space", "p")...)
	if len(rec.plans) != 1 {
		t.Fatalf("plans = %d", len(rec.plans))
	}
	var ids []string
	for _, j := range rec.plans[0].Jobs {
		ids = append(ids, j.Repo.ID)
		if j.Op != engine.OpPull {
			t.Fatalf("op %s", j.Op)
		}
	}
	if len(ids) != 2 || ids[0] != "github.com/acme/behind" || ids[1] != "github.com/acme/clean" {
		t.Fatalf("pulled %v", ids)
	}
	mustContain(t, screen(m), "2 selected", "pull: 2 repositories")
	// a selects every shown row, a again clears.
	m = update(t, m, keysOf("a")...)
	if m.table.Stats().Selected != 7 {
		t.Fatalf("selected %d", m.table.Stats().Selected)
	}
	m = update(t, m, keysOf("a")...)
	if m.table.Stats().Selected != 0 {
		t.Fatalf("selected %d after second a", m.table.Stats().Selected)
	}
}

func TestFilterAsYouType(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 100, 24)
	m = update(t, m, press("/"))
	m = update(t, m, typed("dir")...)
	s := screen(m)
	mustContain(t, s, "github.com/acme/dirty", "1/7 repos", "/dir")
	mustNotContain(t, s, "acme/behind")
	// state words match too; enter keeps the filter, esc clears it.
	m = update(t, m, keysOf("enter")...)
	m = update(t, m, press("/"))
	m = update(t, m, tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace}, tea.KeyPressMsg{Code: tea.KeyBackspace})
	m = update(t, m, typed("behind")...)
	mustContain(t, screen(m), "github.com/acme/behind", "1/7 repos")
	m = update(t, m, keysOf("esc")...)
	mustContain(t, screen(m), "7 repos", "acme/dirty")
}

func TestSortCycle(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 100, 24)
	m = update(t, m, keysOf("s")...) // attention: conflict first
	if got := m.table.Cursor().ID; got != "github.com/acme/behind" {
		// the cursor stays on its row across a re-sort
		t.Fatalf("cursor moved to %s", got)
	}
	if got := m.table.Index().Shown()[0].ID; got != "github.com/acme/conflict" {
		t.Fatalf("attention sort starts with %s", got)
	}
	m = update(t, m, keysOf("s", "s")...) // recent, then result: failed first
	if got := m.table.Index().Shown()[0].ID; got != "local/failed" {
		t.Fatalf("result sort starts with %s", got)
	}
	mustContain(t, screen(m), "sorted by result")
}

func TestEventsUpdateRows(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 120, 30)
	id := "github.com/acme/behind"
	m = update(t, m, eventsMsg{
		engine.OpQueued{Meta: meta("r1", id, 1), Op: engine.OpPull, OpID: "r1.1"},
		engine.OpStarted{Meta: meta("r1", id, 2), Op: engine.OpPull, OpID: "r1.1", Attempt: 1},
		engine.OpProgress{Meta: meta("r1", id, 3), Op: engine.OpPull, OpID: "r1.1", Progress: git.Progress{Phase: "Receiving", Current: 45, Total: 100}},
	})
	m.runs["r1"] = runInfo{op: engine.OpPull, repos: 1}
	s := screen(m)
	mustContain(t, s, "pull 45%", "1 busy")
	m = update(t, m, eventsMsg{
		engine.OpFinished{Meta: meta("r1", id, 4), Op: engine.OpPull, OpID: "r1.1", Duration: 1500 * time.Millisecond,
			Result: engine.Result{Outcome: engine.OutcomeOK, Detail: "fast-forwarded a..b", Status: &git.Status{Branch: "main", Upstream: "origin/main"}}},
		engine.RunFinished{Meta: meta("r1", "", 5), Summary: engine.Summary{OK: 1, Duration: time.Second}},
	})
	s = screen(m)
	mustContain(t, s, "✓ pull 1.5s", "pull of 1 repository: 1 ok")
	mustNotContain(t, s, "busy", "↓4")

	// A failure keeps its classified cause and hint for the detail pane.
	m = update(t, m, eventsMsg{
		engine.OpQueued{Meta: meta("r2", id, 6), Op: engine.OpFetch, OpID: "r2.1"},
		engine.OpFinished{Meta: meta("r2", id, 7), Op: engine.OpFetch, OpID: "r2.1", Err: errAuth,
			Result: engine.Result{Outcome: engine.OutcomeFailed}},
	})
	r := m.table.Index().Row(id)
	if r.Last.Cause != "authentication required" || r.Last.Hint == "" || r.Busy() {
		t.Fatalf("row after failure: %+v", r.Last)
	}
	// A later successful status keeps the failure visible.
	m = update(t, m, eventsMsg{
		engine.OpFinished{Meta: meta("r3", id, 8), Op: engine.OpStatus, Result: engine.Result{Outcome: engine.OutcomeOK, Status: &git.Status{Branch: "main"}}},
	})
	if !m.table.Index().Row(id).Failed() {
		t.Fatal("status hid the fetch failure")
	}
}

func TestDetailPane(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 100, 30)
	m = update(t, m, keysOf("G", "enter")...)
	s := screen(m)
	mustContain(t, s, "local/failed", "authentication required", "set MGIT_TOKEN", "what to do", "reading commits")
	m = update(t, m, keysOf("esc")...)
	mustContain(t, screen(m), "REPOSITORY")
}

func TestHelpBranchRetryClone(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 30)
	m = update(t, m, keysOf("?")...)
	mustContain(t, screen(m), "retry failed", "checkout branch", "cancel all and quit")
	m = update(t, m, keysOf("?")...)

	m = update(t, m, keysOf("b")...)
	mustContain(t, screen(m), "Check out which branch in 1 repository?")
	if len(rec.plans) != 0 {
		t.Fatal("the branch prompt submitted work")
	}
	m = update(t, m, keysOf("esc", "R")...)
	if len(rec.plans) != 1 || rec.plans[0].Jobs[0].Repo.ID != "local/failed" || rec.plans[0].Jobs[0].Op != engine.OpPull {
		t.Fatalf("retry plans %+v", rec.plans)
	}
	// clone on the not-cloned row uses the layout's destination.
	m = update(t, m, press("/"))
	m = update(t, m, typed("new")...)
	m = update(t, m, keysOf("enter", "c")...)
	if len(rec.plans) != 2 {
		t.Fatalf("plans %d", len(rec.plans))
	}
	j := rec.plans[1].Jobs[0]
	// The listing's size goes with it: the default backend clones a
	// small repository in-process, as `mgit clone` does.
	if j.Op != engine.OpClone || j.Repo.URL != "https://github.com/acme/new.git" || j.Repo.Path != "/ws/github.com/acme/new" || j.Repo.Size != 48<<10 {
		t.Fatalf("clone job %+v", j)
	}
	// fetch on a not-cloned row is refused with a message.
	m = update(t, m, keysOf("f")...)
	mustContain(t, screen(m), "fetch: nothing to do")
}

func TestQuit(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 100, 24)
	if _, cmd := m.Update(press("q")); cmd == nil || cmd() != tea.Quit() {
		t.Fatal("q with nothing running should quit")
	}
	// A branch preview (a dry run) busies no row: q cancels it and quits
	// without asking, and that is no interruption.
	pm, rec := newTestModel(t, fixture(t), 100, 24)
	pm = update(t, pm, keysOf("a", "b")...)
	pm = update(t, pm, typed("feature/x")...)
	pm = update(t, pm, keysOf("enter")...)
	if len(rec.plans) != 1 || !rec.plans[0].Options.DryRun || len(pm.runs) != 1 {
		t.Fatalf("no preview running: plans %d, runs %d", len(rec.plans), len(pm.runs))
	}
	next, cmd := pm.Update(press("q"))
	pm = next.(model)
	if cmd == nil || cmd() != tea.Quit() || pm.confirm.Active() || pm.interrupted || pm.deps.ctx.Err() != context.Canceled {
		t.Fatal("q during a preview should cancel it and quit at once")
	}
	// With work running, q asks first; n goes back.
	m = update(t, m, startMsg{}, eventsMsg{engine.OpQueued{Meta: meta("run1", "local/failed", 1), Op: engine.OpFetch}})
	m = update(t, m, press("q"))
	mustContain(t, screen(m), "1 operation is queued.", "Cancel them and quit?")
	m = update(t, m, press("n"))
	mustNotContain(t, screen(m), "Cancel them")
	// Ctrl-C cancels the runs' context and quits.
	next, cmd = m.Update(press("ctrl+c"))
	m = next.(model)
	if cmd == nil || cmd() != tea.Quit() || !m.interrupted || m.deps.ctx.Err() != context.Canceled {
		t.Fatal("ctrl+c did not cancel and quit")
	}
}
