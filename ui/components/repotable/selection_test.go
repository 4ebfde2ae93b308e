package repotable

import (
	"slices"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/ui/styles"
)

func ids(rows []*Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// The targets of an action are the selection in view order, then the
// selected rows the filter hides; without a selection, the cursor's row.
// The selection survives filtering and loses removed rows.
func TestSelectionTargets(t *testing.T) {
	m := New(styles.New(true, true), time.Now)
	var rows []*Row
	for _, id := range []string{"z", "x", "w", "y"} {
		rows = append(rows, NewRow(id, "/ws/"+id, ""))
	}
	m.Add(rows...)
	m.SetSize(80, 10)
	if got := ids(m.Targets()); !slices.Equal(got, []string{"w"}) {
		t.Fatalf("no selection: targets %v, want the cursor's row", got)
	}
	m.Move(3)
	m.ToggleSelect() // z
	m.Top()
	m.ToggleSelect() // w
	m.ToggleSelect() // w again: deselected
	m.Move(1)
	m.ToggleSelect() // x
	if got := ids(m.Targets()); !slices.Equal(got, []string{"x", "z"}) || m.Stats().Selected != 2 {
		t.Fatalf("targets %v, selected %d; want [x z], 2", got, m.Stats().Selected)
	}
	m.SetFilter("z")
	if got := ids(m.Targets()); !slices.Equal(got, []string{"z", "x"}) || !m.Selected("x") {
		t.Fatalf("filtered: targets %v; want the shown z, then the hidden x", got)
	}
	m.SelectAllShown() // every shown row (z) is selected: clears it
	if m.Selected("z") || !m.Selected("x") || m.Stats().Selected != 1 {
		t.Fatalf("select-all on a fully selected view: z %v, x %v", m.Selected("z"), m.Selected("x"))
	}
	m.SetFilter("")
	m.SelectAllShown()
	if m.Stats().Selected != 4 {
		t.Fatalf("select all shown: %d selected, want 4", m.Stats().Selected)
	}
	m.Remove("w", "y")
	if got := ids(m.Targets()); !slices.Equal(got, []string{"x", "z"}) || m.Stats().Selected != 2 {
		t.Fatalf("after remove: targets %v, selected %d", got, m.Stats().Selected)
	}
	m.ClearSelection()
	if m.Stats().Selected != 0 || len(m.Targets()) != 1 {
		t.Fatalf("after clear: selected %d, targets %v", m.Stats().Selected, ids(m.Targets()))
	}
}
