package ui

import (
	"context"
	"fmt"
	"image/color"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui/keys"
)

var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// recorder stands in for Engine.Submit.
type recorder struct {
	plans []engine.Plan
	ids   []string
}

func (r *recorder) submit(_ context.Context, p engine.Plan) string {
	r.plans = append(r.plans, p)
	id := fmt.Sprintf("run%d", len(r.plans))
	r.ids = append(r.ids, id)
	return id
}

// fixture is a small workspace with one repository of each kind, its
// cached state, and one upstream-only repository.
func fixture(t testing.TB) Options {
	root := "/ws"
	names := []string{"github.com/acme/clean", "github.com/acme/dirty", "github.com/acme/behind",
		"github.com/acme/conflict", "gitlab.example.com/team/sub/very-long-repository-name", "local/failed"}
	var repos []workspace.Repo
	for _, n := range names {
		repos = append(repos, workspace.Repo{Path: filepath.Join(root, n), Rel: n, Kind: workspace.KindRepo})
	}
	head := func(subject string, age time.Duration) git.Commit {
		return git.Commit{SHA: "0123456789abcdef", Subject: subject, Author: "Ada", Time: testNow.Add(-age)}
	}
	entries := map[string]state.Entry{
		names[0]: {Status: &git.Status{Branch: "main", Upstream: "origin/main", Head: head("Initial commit", 3*24*time.Hour)}, Checked: testNow},
		names[1]: {Status: &git.Status{Branch: "feature/login", Upstream: "origin/feature/login", Staged: 1, Unstaged: 2, Untracked: 3, Stash: 1, Head: head("WIP \x1b[31mred\x1b[0m login", 2*time.Hour)}, Checked: testNow},
		names[2]: {Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: 4, Head: head("Bump deps", 40*24*time.Hour)}, Checked: testNow},
		names[3]: {Status: &git.Status{Branch: "main", Upstream: "origin/main", Ahead: 1, Behind: 2, Conflicts: 1, Head: head("Merge", time.Minute)}, Checked: testNow},
		names[4]: {Status: &git.Status{Branch: "develop", UpstreamGone: true, Upstream: "origin/develop", Head: head("A subject that is long enough to be cut at narrow widths", 400*24*time.Hour)}, Checked: testNow},
		names[5]: {Status: &git.Status{Branch: "main", Upstream: "origin/main", Head: head("x", time.Hour)},
			Last: &state.OpResult{Op: "pull", Outcome: "failed", Error: "pull local/failed: pull: authentication required: could not read Username",
				Cause: "authentication required", Hint: git.Hint(git.ErrAuth), Duration: 1200 * time.Millisecond, Finished: testNow.Add(-time.Hour)}},
	}
	store := state.Open(t.TempDir(), zerolog.Nop())
	if err := store.Save(root, entries); err != nil {
		t.Fatal(err)
	}
	return Options{
		Root: root, Repos: repos, State: store,
		Remote: []provider.Repo{
			{Host: "github.com", Org: "acme", Name: "new", FullName: "acme/new", CloneURL: "https://github.com/acme/new.git", Archived: true, Size: 48 << 10},
			{Host: "github.com", Org: "acme", Name: "clean", FullName: "acme/clean", CloneURL: "https://github.com/acme/clean.git", Fork: true},
		},
		Dest: func(r provider.Repo) (string, error) {
			return filepath.Join(root, r.Host, r.Org, r.Name), nil
		},
		Getenv: func(k string) string {
			if k == "NO_COLOR" {
				return "1" // golden files stay readable
			}
			return ""
		},
		Now: func() time.Time { return testNow },
	}
}

// newTestModel builds the model with a recorder for Submit, sized w×h.
func newTestModel(t testing.TB, opt Options, w, h int) (model, *recorder) {
	t.Helper()
	rec := &recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := newModel(opt, keys.Default(), deps{ctx: ctx, cancel: cancel, submit: rec.submit})
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m, rec
}

func update(t testing.TB, m model, msgs ...tea.Msg) model {
	t.Helper()
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(model)
	}
	return m
}

// press makes the key message for a key name as bubbletea v2 reports it.
func press(s string) tea.KeyPressMsg {
	switch s {
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+r":
		return tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	}
	r := []rune(s)
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func keysOf(s ...string) []tea.Msg {
	var out []tea.Msg
	for _, k := range s {
		out = append(out, press(k))
	}
	return out
}

// typed is the messages for typing text.
func typed(s string) []tea.Msg {
	var out []tea.Msg
	for _, r := range s {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

// screen is the view as plain text.
func screen(m model) string { return ansi.Strip(m.View().Content) }

func mustContain(t testing.TB, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("screen lacks %q:\n%s", w, s)
		}
	}
}

func mustNotContain(t testing.TB, s string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(s, b) {
			t.Fatalf("screen has %q:\n%s", b, s)
		}
	}
}

var errAuth = &git.Error{Op: "pull", Kind: git.ErrAuth, Detail: "could not read Username"}

func lightBackground() tea.Msg {
	return tea.BackgroundColorMsg{Color: color.White}
}
