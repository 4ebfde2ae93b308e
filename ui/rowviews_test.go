package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// sizes are the terminal sizes every row view is checked at.
var sizes = []struct{ w, h int }{{120, 40}, {80, 24}}

// cursorLine is the screen line of the row under the cursor.
func cursorLine(t *testing.T, m model) string {
	t.Helper()
	for _, l := range strings.Split(screen(m), "\n") {
		if strings.HasPrefix(l, "▸") {
			return l
		}
	}
	t.Fatalf("no cursor line:\n%s", screen(m))
	return ""
}

// l asks the engine (an inspect run, so both git backends answer) for the
// last commits and shows them in a scrollable pane; its answer is
// sanitized, a superseded answer is dropped, esc returns to the table.
func TestLogView(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			m, rec := newTestModel(t, fixture(t), sz.w, sz.h)
			id := m.table.Cursor().ID
			m = update(t, m, press("l"))
			if len(rec.plans) != 1 || rec.plans[0].Jobs[0].Op != engine.OpInspect ||
				rec.plans[0].Jobs[0].Repo.ID != id || rec.plans[0].Options.LogLimit != logLimit {
				t.Fatalf("plans %+v, want an inspect of %s for %d commits", rec.plans, id, logLimit)
			}
			mustContain(t, screen(m), "log · "+id, "reading…")

			var commits []git.Commit
			for i := range 60 {
				commits = append(commits, git.Commit{SHA: fmt.Sprintf("%07x%033x", 0xabc0000+i, 0), Author: "Ada",
					Subject: fmt.Sprintf("change %02d \x1b[2J\x1b]0;pwned\x07", i), Time: testNow.Add(-time.Duration(i+1) * time.Hour)})
			}
			// An answer to another run is not the log's.
			m = update(t, m, eventsMsg{engine.OpFinished{Meta: meta("other", id, 1), Op: engine.OpInspect,
				Result: engine.Result{Outcome: engine.OutcomeOK, Commits: commits[:1]}}})
			mustContain(t, screen(m), "reading…")
			m = update(t, m, eventsMsg{engine.OpFinished{Meta: meta("run1", id, 2), Op: engine.OpInspect,
				Result: engine.Result{Outcome: engine.OutcomeOK, Commits: commits}}})
			s := screen(m)
			mustContain(t, s, "60 lines", "abc0000", "change 00", "Ada", "1h")
			mustNotContain(t, m.View().Content, "\x1b[2J", "pwned\x07", "\x1b]0;")
			mustNotContain(t, s, "change 59")

			// Scrolling: G to the end, the wheel and k back up.
			m = update(t, m, press("G"))
			mustContain(t, screen(m), "change 59", "100%")
			mustNotContain(t, screen(m), "change 00 ")
			m = update(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelUp}, press("k"))
			mustNotContain(t, screen(m), "100%")

			m = update(t, m, press("esc"))
			mustContain(t, screen(m), "REPOSITORY")
			if m.mode != modeTable {
				t.Fatalf("mode %v after esc", m.mode)
			}
		})
	}
}

// The log of a repository that is not cloned asks nothing.
func TestLogViewNotCloned(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 80, 24)
	m = update(t, m, press("/"))
	m = update(t, m, typed("acme/new")...)
	m = update(t, m, press("enter"), press("l"))
	mustContain(t, screen(m), "not cloned: nothing to show")
	if len(rec.plans) != 0 {
		t.Fatalf("plans %+v", rec.plans)
	}
}

// diffRepo is a workspace of one real repository with a staged change, an
// unstaged one carrying terminal escapes, and a tab.
func diffRepo(t *testing.T) (Options, string) {
	t.Helper()
	gittest.Isolate(t)
	opt := fixture(t)
	wt := filepath.Join(t.TempDir(), "cloned")
	gittest.InitRepo(t, wt)
	gittest.Commit(t, wt, "a.txt", "one\n", "add a")
	var lines strings.Builder
	for i := range 50 {
		fmt.Fprintf(&lines, "line %02d\n", i)
	}
	gittest.Commit(t, wt, "b.txt", lines.String(), "add b")
	gittest.WriteFile(t, wt, "a.txt", "one\n\tstaged line\n")
	gittest.Git(t, wt, "add", "a.txt")
	// Every line changed: the diff is longer than a screen.
	gittest.WriteFile(t, wt, "b.txt", "evil \x1b]52;c;cHduZWQ=\x07\x1b[31mred\n"+strings.ReplaceAll(lines.String(), "line", "LINE")+"tail\n")
	opt.Repos = append(opt.Repos, workspace.Repo{Path: wt, Rel: "zz/cloned", Kind: workspace.KindRepo})
	return opt, wt
}

// d reads the diff (staged, then not staged) in a command, shows it
// sanitized in a scrollable viewport; esc returns to the table.
func TestDiffView(t *testing.T) {
	opt, _ := diffRepo(t)
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			m, _ := newTestModel(t, opt, sz.w, sz.h)
			m = update(t, m, press("G"))
			if m.table.Cursor().ID != "zz/cloned" {
				t.Fatalf("cursor on %s", m.table.Cursor().ID)
			}
			next, cmd := m.Update(press("d"))
			m = next.(model)
			if cmd == nil {
				t.Fatal("d gave no command")
			}
			mustContain(t, screen(m), "diff · zz/cloned", "reading…")
			m = update(t, m, cmd())
			s := screen(m)
			mustContain(t, s, "── staged ──", "+    staged line", "a.txt", "── not staged ──", "b.txt")
			mustNotContain(t, s, "+evil", "+tail")
			// Paging down reaches the sanitized line.
			for i := 0; i < 10 && !strings.Contains(screen(m), "+evil red"); i++ {
				m = update(t, m, press("pgdown"))
			}
			mustContain(t, screen(m), "+evil red")
			mustNotContain(t, m.View().Content, "\x1b]52", "\x1b[31m", "\t", "cHduZWQ")
			m = update(t, m, press("G"))
			mustContain(t, screen(m), "+tail", "100%")
			m = update(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
			mustNotContain(t, screen(m), "100%")
			m = update(t, m, press("esc"))
			mustContain(t, screen(m), "REPOSITORY")
		})
	}
}

// A clean work tree says so; a result for a pane since closed is dropped.
func TestDiffViewCleanAndSuperseded(t *testing.T) {
	opt, wt := diffRepo(t)
	gittest.Git(t, wt, "reset", "-q", "--hard")
	m, _ := newTestModel(t, opt, 80, 24)
	m = update(t, m, press("G"))
	_, cmd := m.Update(press("d"))
	m = update(t, m, press("d"), cmd())
	mustContain(t, screen(m), "no changes")
	stale := diffMsg{req: m.git.pager.Req - 1, lines: []string{"stale line"}}
	m = update(t, m, stale)
	mustNotContain(t, screen(m), "stale line")
}

// A click on a row moves the cursor there; on the heading or below the
// rows it does nothing.
func TestMouseClickSelectsRow(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			m, _ := newTestModel(t, fixture(t), sz.w, sz.h)
			// bubbletea v2 turns the mouse on from the view, not from a
			// program option: clicks and the wheel are reported.
			if mode := m.View().MouseMode; mode != tea.MouseModeCellMotion {
				t.Fatalf("mouse mode %v", mode)
			}
			lines := strings.Split(screen(m), "\n")
			y := -1
			for i, l := range lines {
				if strings.Contains(l, "acme/conflict") {
					y = i
				}
			}
			if y < 0 {
				t.Fatalf("no acme/conflict row:\n%s", screen(m))
			}
			m = update(t, m, tea.MouseClickMsg{X: 10, Y: y, Button: tea.MouseLeft})
			if got := m.table.Cursor().ID; got != "github.com/acme/conflict" {
				t.Fatalf("click on line %d: cursor on %s", y, got)
			}
			mustContain(t, cursorLine(t, m), "acme/conflict")
			// The heading and the empty lines under the rows.
			m = update(t, m, tea.MouseClickMsg{X: 10, Y: 1, Button: tea.MouseLeft},
				tea.MouseClickMsg{X: 10, Y: sz.h - 4, Button: tea.MouseLeft})
			if got := m.table.Cursor().ID; got != "github.com/acme/conflict" {
				t.Fatalf("click off the rows moved the cursor to %s", got)
			}
			// The wheel scrolls the table.
			m = update(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
			if got := m.table.Cursor().ID; got == "github.com/acme/conflict" {
				t.Fatal("the wheel did not move the cursor")
			}
		})
	}
}

// LAST OP says how long an operation took as humanize.Duration does, and a
// cancelled one as stopped or not started, never as skipped.
func TestLastOpDurationsAndCancelled(t *testing.T) {
	m, _ := newTestModel(t, fixture(t), 120, 40)
	fin := func(id string, seq uint64, d time.Duration, res engine.Result) engine.Event {
		return engine.OpFinished{Meta: meta("run9", id, seq), Op: engine.OpFetch, Result: res, Duration: d}
	}
	ok := engine.Result{Outcome: engine.OutcomeOK}
	m = update(t, m, eventsMsg{
		fin("github.com/acme/clean", 1, 400*time.Microsecond, ok),
		fin("github.com/acme/dirty", 2, 846*time.Millisecond, ok),
		fin("github.com/acme/behind", 3, 1234*time.Millisecond, ok),
		fin("github.com/acme/conflict", 4, 2*time.Second, engine.Result{Outcome: engine.OutcomeSkipped, Cancelled: engine.CancelStopped, Detail: "stopped"}),
		fin("local/failed", 5, 0, engine.Result{Outcome: engine.OutcomeSkipped, Cancelled: engine.CancelNotStarted, Detail: "not started"}),
	})
	s := screen(m)
	for id, want := range map[string]string{
		"acme/clean": "✓ fetch <1ms", "acme/dirty": "✓ fetch 846ms", "acme/behind": "✓ fetch 1.2s",
		"acme/conflict": "■ fetch stopped", "local/failed": "– fetch not run",
	} {
		if l := lineWith(s, id); !strings.Contains(l, want) {
			t.Errorf("%s: %q lacks %q", id, l, want)
		}
	}
	mustNotContain(t, s, "skipped", "0ms ")
	// The detail pane says the same at 80x24, where LAST OP is dropped.
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = update(t, m, tea.MouseClickMsg{X: 5, Y: lineIndex(screen(m), "acme/conflict"), Button: tea.MouseLeft}, press("enter"))
	mustContain(t, screen(m), "fetch stopped after 2.0s")
	m = update(t, m, press("esc"), press("G"), press("enter"))
	mustContain(t, screen(m), "fetch not started (cancelled)")
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

func lineIndex(s, sub string) int {
	for i, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return i
		}
	}
	return -1
}

// Two providers listing a repository at one path: the row is marked and
// the detail pane names both (the first clones it); it stays one row.
func TestTwoProvidersOnePath(t *testing.T) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			opt := fixture(t)
			opt.Remote = []provider.Repo{
				{Provider: "gh-work", Host: "github.com", Org: "acme", Name: "new", FullName: "acme/new", CloneURL: "https://github.com/acme/new.git"},
				{Provider: "gh-home", Host: "github.com", Org: "acme", Name: "new", FullName: "acme/new", CloneURL: "https://github.com/acme/new.git"},
				{Provider: "gh-work", Host: "github.com", Org: "acme", Name: "new", FullName: "acme/new", CloneURL: "https://github.com/acme/new.git"},
			}
			ch := make(chan RemoteBatch, 1)
			opt.RemoteUpdates = ch
			m, _ := newTestModel(t, opt, sz.w, sz.h)
			if n := m.table.Stats().Total; n != 7 {
				t.Fatalf("%d rows, want 7", n)
			}
			mustContain(t, lineWith(screen(m), "acme/new"), "×2")
			mustNotContain(t, lineWith(screen(m), "acme/clean"), "×")
			// A cloned repository listed later by two providers.
			ch <- RemoteBatch{Source: "both", Repos: []provider.Repo{
				{Provider: "gh-work", Host: "github.com", Org: "acme", Name: "dirty", FullName: "acme/dirty"},
				{Provider: "gh-home", Host: "github.com", Org: "acme", Name: "dirty", FullName: "acme/dirty"},
			}}
			m = update(t, m, m.remote.wait()())
			mustContain(t, lineWith(screen(m), "acme/dirty"), "×2")

			m = update(t, m, tea.MouseClickMsg{X: 5, Y: lineIndex(screen(m), "acme/new"), Button: tea.MouseLeft}, press("enter"))
			mustContain(t, screen(m), "provider", "gh-work (clones it); also listed at this path by gh-home")
		})
	}
}

// e runs $VISUAL/$EDITOR (vi without either) and L lazygit, each only
// when it is on PATH; otherwise the status line says why nothing ran.
// Back from either, the row's status is read again.
func TestEditorAndLazygitKeys(t *testing.T) {
	bin := t.TempDir()
	t.Setenv("PATH", bin)
	m, rec := newTestModel(t, fixture(t), 80, 24)
	m.deps.editor = "my-editor --wait"
	m = update(t, m, press("e"))
	mustContain(t, screen(m), "edit: no editor runs: my-editor is not on PATH")
	m.deps.editor = ""
	m = update(t, m, press("e"))
	mustContain(t, screen(m), "vi is not on PATH")
	m = update(t, m, press("L"))
	mustContain(t, screen(m), "lazygit is not on PATH; install it")

	for _, name := range []string{"my-editor", "lazygit"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	m.deps.editor = "my-editor --wait"
	for _, k := range []string{"e", "L"} {
		if _, cmd := m.Update(press(k)); cmd == nil {
			t.Fatalf("%s with the tool on PATH gave no command", k)
		}
	}
	id := m.table.Cursor().ID
	m = update(t, m, toolDoneMsg{id: id, what: "the editor"})
	mustContain(t, screen(m), "back from the editor")
	if len(rec.plans) != 1 || rec.plans[0].Jobs[0].Repo.ID != id || rec.plans[0].Jobs[0].Op != engine.OpStatus {
		t.Fatalf("plans %+v, want a status of %s", rec.plans, id)
	}
	if got := editorOf(func(k string) string { return map[string]string{"VISUAL": "v", "EDITOR": "e"}[k] }); got != "v" {
		t.Fatalf("editorOf prefers %q, want $VISUAL", got)
	}
}

// Without the git binary (the go-git backend's container) the diff view
// says it needs git instead of showing nothing.
func TestDiffViewWithoutGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	m, _ := newTestModel(t, fixture(t), 80, 24)
	_, cmd := m.Update(press("d"))
	m = update(t, m, press("d"), cmd())
	mustContain(t, screen(m), "the diff view runs git, which is not on PATH")
}

// A tool that exits non-zero is reported, and the row is still read again.
func TestToolExitStatusReported(t *testing.T) {
	err := exec.Command("sh", "-c", "exit 3").Run()
	m, rec := newTestModel(t, fixture(t), 80, 24)
	id := m.table.Cursor().ID
	m = update(t, m, toolDoneMsg{id: id, what: "lazygit", err: err})
	mustContain(t, screen(m), "back from lazygit (exit status 3)")
	if len(rec.plans) != 1 {
		t.Fatalf("plans %+v", rec.plans)
	}
}
