package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// inspectResult is the engine's answer to the detail pane's request,
// with a control sequence in a subject and in a path.
func inspectResult(run, repo string) tea.Msg {
	c := func(sha, subject, author string, age time.Duration) git.Commit {
		return git.Commit{SHA: sha, Subject: subject, Author: author, Time: testNow.Add(-age)}
	}
	return eventsMsg{
		engine.OpFinished{Meta: meta(run, repo, 1), Op: engine.OpInspect, Result: engine.Result{
			Outcome: engine.OutcomeOK,
			Commits: []git.Commit{
				c("aaaaaaaaaaaa", "Add the login form \x1b]0;pwned\x07", "Ada", 2*time.Hour),
				c("bbbbbbbbbbbb", "Validate passwords", "Grace", 26*time.Hour),
				c("cccccccccccc", "Initial commit", "Ada", 40*24*time.Hour),
			},
			Changes: []git.FileChange{
				{Path: "form.go", Staged: true},
				{Path: "login.go", Staged: true, Unstaged: true},
				{Path: "notes\x1b[2J.txt", Untracked: true},
			},
		}},
		engine.RunFinished{Meta: meta(run, "", 2), Summary: engine.Summary{OK: 1}},
	}
}

// previewResults is the dry run of checking out branch in the fixture's
// six cloned repositories: three go ahead (one carrying local changes), one
// is on it, and the engine's checks refuse two, as the checkout would.
func previewResults(run, branch string) tea.Msg {
	fin := func(repo string, a engine.CheckoutAction, st git.Status) engine.Event {
		return engine.OpFinished{Meta: meta(run, repo, 1), Op: engine.OpCheckout,
			Result: engine.Result{Outcome: engine.OutcomeSkipped, Checkout: a, Status: &st, Detail: "dry run: would " + string(a)}}
	}
	refused := func(repo string, a engine.CheckoutAction, st git.Status, kind error, detail string) engine.Event {
		return engine.OpFinished{Meta: meta(run, repo, 1), Op: engine.OpCheckout,
			Result: engine.Result{Outcome: engine.OutcomeFailed, Checkout: a, Status: &st},
			Err:    fmt.Errorf("checkout %s: %w", repo, &git.Error{Op: "checkout", Kind: kind, Detail: detail})}
	}
	clean := git.Status{Branch: "main", Upstream: "origin/main"}
	return eventsMsg{
		fin("github.com/acme/behind", engine.CheckoutSwitch, clean),
		fin("github.com/acme/clean", engine.CheckoutTrack, clean),
		refused("github.com/acme/conflict", engine.CheckoutCreate, git.Status{Branch: "main", Unstaged: 2},
			git.ErrLocalChanges, "local changes would be overwritten by checkout: a.txt, b\x1b[2J.txt"),
		fin("github.com/acme/dirty", engine.CheckoutCreate, git.Status{Branch: "main", Unstaged: 2}),
		fin("gitlab.example.com/team/sub/very-long-repository-name", engine.CheckoutCurrent, git.Status{Branch: branch}),
		refused("local/failed", engine.CheckoutSwitch, clean, git.ErrBranchInUse, "'"+branch+"' is already checked out at '/src/wt'"),
		engine.RunFinished{Meta: meta(run, "", 2), Summary: engine.Summary{Skipped: 3, OK: 1, Failed: 2}},
	}
}

func TestBranchPreviewConfirmCheckout(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, keysOf("a", "b")...)
	mustContain(t, screen(m), "Check out which branch in 6 repositories?")
	m = update(t, m, typed("feature/x")...)
	m = update(t, m, keysOf("enter")...)
	if len(rec.plans) != 1 {
		t.Fatalf("plans %d, want the preview", len(rec.plans))
	}
	p := rec.plans[0]
	if o := p.Options; !o.DryRun || o.Branch != "feature/x" || !o.CreateBranch || len(p.Jobs) != 6 || p.Jobs[0].Op != engine.OpCheckout {
		t.Fatalf("preview plan %+v", p)
	}
	mustContain(t, screen(m), "checkout feature/x: checking 6 repositories")

	m = update(t, m, previewResults("run1", "feature/x"))
	s := screen(m)
	mustContain(t, s, "Check out feature/x in 3 repositories?",
		"2 lack feature/x, to be created:", "1 from upstream, 1 from HEAD", "1 has it already",
		"1 has local changes, not in the way", "1 is on it", "2 would be refused by git",
		"github.com/acme/conflict:", "a.txt", "local/failed:", "is already checked out at")
	if strings.Contains(s, "\x1b[2J") {
		t.Fatal("a path from git reached the screen unsanitized")
	}
	// A dry run is not a result: the rows do not show it.
	if r := m.table.Index().Row("github.com/acme/clean"); r.Last != nil || r.Busy() {
		t.Fatalf("preview reached the table: %+v", r.Last)
	}
	if len(m.runs) != 0 {
		t.Fatalf("preview run still tracked: %v", m.runs)
	}

	m = update(t, m, keysOf("y")...)
	if len(rec.plans) != 2 {
		t.Fatalf("plans %d after yes", len(rec.plans))
	}
	// The checkout goes where the preview said it would, and nowhere it
	// said git would refuse.
	var got []string
	for _, j := range rec.plans[1].Jobs {
		got = append(got, j.Repo.ID)
	}
	if o := rec.plans[1].Options; o.DryRun || o.Branch != "feature/x" || !o.CreateBranch ||
		strings.Join(got, " ") != "github.com/acme/behind github.com/acme/clean github.com/acme/dirty" {
		t.Fatalf("checkout plan %+v, repositories %v", rec.plans[1].Options, got)
	}
	id := "github.com/acme/clean"
	m = update(t, m, eventsMsg{
		engine.OpQueued{Meta: meta("run2", id, 3), Op: engine.OpCheckout},
		engine.OpFinished{Meta: meta("run2", id, 4), Op: engine.OpCheckout, Duration: 300 * time.Millisecond,
			Result: engine.Result{Outcome: engine.OutcomeOK, Checkout: engine.CheckoutTrack, Detail: "created feature/x tracking origin/feature/x",
				Status: &git.Status{Branch: "feature/x", Upstream: "origin/feature/x"}}},
	})
	s = screen(m)
	mustContain(t, s, "✓ checkout", "feature/x")
	if r := m.table.Index().Row(id); r.Status.Branch != "feature/x" || r.Last.Op != "checkout" {
		t.Fatalf("row after checkout: %+v %+v", r.Status, r.Last)
	}
}

// TestBranchPreviewAllRefused: when the dry run says git would refuse
// everywhere (here: no commits), no confirm dialog promises a checkout.
func TestBranchPreviewAllRefused(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, keysOf("b")...)
	m = update(t, m, typed("feature/x")...)
	m = update(t, m, keysOf("enter")...)
	if len(rec.plans) != 1 {
		t.Fatalf("plans %d", len(rec.plans))
	}
	ids := rec.plans[0].Jobs
	var evs eventsMsg
	for i, j := range ids {
		evs = append(evs, engine.OpFinished{Meta: meta("run1", j.Repo.ID, uint64(i+1)), Op: engine.OpCheckout,
			Result: engine.Result{Outcome: engine.OutcomeFailed, Checkout: engine.CheckoutCreate},
			Err:    fmt.Errorf("checkout %s: create feature/x from HEAD: %w", j.Repo.ID, git.ErrNoCommits)})
	}
	evs = append(evs, engine.RunFinished{Meta: meta("run1", "", 99)})
	m = update(t, m, evs)
	if m.confirm.Active() {
		t.Fatalf("confirm opened although git would refuse everywhere:\n%s", screen(m))
	}
	mustContain(t, screen(m), "nothing to do", "refused", "no commits")
}

func TestBranchPromptCancelAndInvalid(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 100, 30)
	m = update(t, m, keysOf("b")...)
	m = update(t, m, typed("q")...) // keys go to the prompt, not the table
	m = update(t, m, keysOf("esc")...)
	if len(rec.plans) != 0 || m.prompt.Active() {
		t.Fatal("esc did not cancel the prompt")
	}
	m = update(t, m, keysOf("b")...)
	m = update(t, m, typed("bad..name")...)
	m = update(t, m, keysOf("enter")...)
	if len(rec.plans) != 0 {
		t.Fatal("an invalid branch name was submitted")
	}
	mustContain(t, screen(m), "invalid branch name")
	// The row under the cursor is the target when nothing is selected;
	// a row that is not cloned cannot be checked out.
	m = update(t, m, press("/"))
	m = update(t, m, typed("new")...)
	m = update(t, m, keysOf("enter", "b")...)
	mustContain(t, screen(m), "checkout: nothing to do")
}

func TestSupersededPreviewIsDropped(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	for _, name := range []string{"one", "two"} {
		m = update(t, m, keysOf("a", "b")...)
		m = update(t, m, typed(name)...)
		m = update(t, m, keysOf("enter", "a")...)
	}
	if len(rec.plans) != 2 {
		t.Fatalf("plans %d", len(rec.plans))
	}
	m = update(t, m, previewResults("run1", "one"))
	if m.confirm.Active() {
		t.Fatal("the superseded preview opened the dialog")
	}
	if r := m.table.Index().Row("github.com/acme/clean"); r.Last != nil {
		t.Fatal("the superseded preview reached the table")
	}
	m = update(t, m, previewResults("run2", "two"))
	mustContain(t, screen(m), "Check out two in 3 repositories?")
}

func TestDetailInspect(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, keysOf("g", "j", "j", "j", "enter")...)
	if len(rec.plans) != 1 {
		t.Fatalf("plans %d", len(rec.plans))
	}
	p := rec.plans[0]
	if p.Jobs[0].Op != engine.OpInspect || p.Jobs[0].Repo.ID != "github.com/acme/dirty" || p.Options.LogLimit != inspectLog {
		t.Fatalf("inspect plan %+v", p)
	}
	mustContain(t, screen(m), "reading commits and changed files")
	m = update(t, m, inspectResult("run1", "github.com/acme/dirty"))
	s := screen(m)
	mustContain(t, s, "recent commits", "aaaaaaa 2h ago", "Add the login form", "— Ada", "Validate passwords",
		"changed files (3)", "M  form.go", "MM login.go", "?? notes.txt")
	mustNotContain(t, m.View().Content, "pwned", "\x1b[2J")
	// Reading is not an operation: the row's last result stays.
	if r := m.table.Index().Row("github.com/acme/dirty"); r.Last != nil {
		t.Fatalf("inspect became the last op: %+v", r.Last)
	}
	// Another repository's pane drops the late answer of the first.
	m = update(t, m, keysOf("esc", "k", "enter")...)
	m = update(t, m, inspectResult("run1", "github.com/acme/dirty"))
	s = screen(m)
	mustContain(t, s, "reading commits")
	mustNotContain(t, s, "Validate passwords")
	// A failed inspect says so.
	m = update(t, m, eventsMsg{engine.OpFinished{Meta: meta("run2", m.table.Cursor().ID, 3), Op: engine.OpInspect,
		Result: engine.Result{Outcome: engine.OutcomeFailed}, Err: errors.New("inspect: boom")}})
	mustContain(t, screen(m), "inspect failed: inspect: boom")
	if !strings.Contains(rec.plans[1].Jobs[0].Repo.ID, "acme") {
		t.Fatalf("second inspect %+v", rec.plans[1])
	}
}
