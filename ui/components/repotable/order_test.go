package repotable

import (
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/ui/styles"
)

func shownIDs(m *Model) []string {
	var ids []string
	for _, r := range m.Index().Shown() {
		ids = append(ids, r.ID)
	}
	return ids
}

// The order kept between refreshes follows a row whose state changed, a
// new row and a removed one.
func TestRefreshKeepsOrderCurrent(t *testing.T) {
	m := New(styles.New(true, true), time.Now)
	row := func(id string, st *git.Status) *Row {
		r := NewRow(id, "/ws/"+id, "")
		r.Cloned, r.Status = true, st
		return r
	}
	clean := func() *git.Status { return &git.Status{Branch: "main", Upstream: "origin/main"} }
	m.Add(row("c", clean()), row("a", clean()), row("b", clean()))
	m.CycleSort() // attention
	if got := shownIDs(&m); got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Fatalf("all clean: %v", got)
	}
	m.Index().Row("c").Status = &git.Status{Branch: "main", Upstream: "origin/main", Conflicts: 1}
	m.Refresh()
	if got := shownIDs(&m); got[0] != "c" {
		t.Fatalf("a conflict is not first: %v", got)
	}
	m.Add(row("0", &git.Status{Branch: "main", Upstream: "origin/main", Unstaged: 1}))
	m.Remove("a")
	if got := shownIDs(&m); len(got) != 3 || got[0] != "c" || got[1] != "0" || got[2] != "b" {
		t.Fatalf("after add and remove: %v", got)
	}
}

// The filter text kept per row follows a new status and a new result.
func TestFilterFollowsRowChanges(t *testing.T) {
	m := New(styles.New(true, true), time.Now)
	r := NewRow("a", "/ws/a", "")
	r.Cloned, r.Status = true, &git.Status{Branch: "main", Upstream: "origin/main"}
	m.Add(r, NewRow("b", "/ws/b", ""))
	m.SetFilter("dirty")
	if got := shownIDs(&m); len(got) != 0 {
		t.Fatalf("clean rows match dirty: %v", got)
	}
	r.Status = &git.Status{Branch: "main", Upstream: "origin/main", Unstaged: 2}
	m.Refresh()
	if got := shownIDs(&m); len(got) != 1 || got[0] != "a" {
		t.Fatalf("a dirty row is not shown: %v", got)
	}
	m.SetFilter("failed")
	r.Last = &state.OpResult{Op: "pull", Outcome: "failed"}
	m.Refresh()
	if got := shownIDs(&m); len(got) != 1 || got[0] != "a" {
		t.Fatalf("a failed row is not shown: %v", got)
	}
}
