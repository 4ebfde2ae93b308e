package repotable

import (
	"fmt"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/ui/styles"
)

// A click on line i of a scrolled table selects the row shown there, not
// the i-th row of the list.
func TestClickLineScrolled(t *testing.T) {
	m := New(styles.New(true, true), time.Now)
	for i := range 30 {
		m.Add(NewRow(fmt.Sprintf("org/repo%02d", i), "/p", ""))
	}
	m.SetSize(80, 10) // a heading and nine rows
	m.Bottom()
	if !m.ClickLine(0) || m.Cursor().ID != "org/repo21" {
		t.Fatalf("click on the first shown line: cursor on %v", m.Cursor().ID)
	}
	if m.ClickLine(9) || m.ClickLine(-1) || m.Cursor().ID != "org/repo21" {
		t.Fatalf("a click off the rows moved the cursor to %s", m.Cursor().ID)
	}
	m.ClickLine(8)
	if m.Cursor().ID != "org/repo29" {
		t.Fatalf("click on the last shown line: cursor on %s", m.Cursor().ID)
	}
}
