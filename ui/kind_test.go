package ui

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/workspace"
)

// TestDetailShowsWorktreeKind: a linked worktree's detail pane says what it
// is, so it is not taken for a clone of its own.
func TestDetailShowsWorktreeKind(t *testing.T) {
	opt := fixture(t)
	opt.Repos[1].Kind = workspace.KindWorktree // github.com/acme/dirty
	m, _ := newTestModel(t, opt, 120, 40)
	m = update(t, m, keysOf("g", "j", "j", "j", "enter")...)
	if r := m.table.Cursor(); r == nil || r.ID != "github.com/acme/dirty" {
		t.Fatalf("cursor on %+v", r)
	}
	mustContain(t, screen(m), "linked worktree")
	m = update(t, m, keysOf("esc", "k", "enter")...)
	mustNotContain(t, screen(m), "linked worktree")
}
