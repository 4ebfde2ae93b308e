package repotable

import (
	"slices"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/styles"
)

// Sort is an order of the rows.
type Sort int

// The orders, in the order the sort key cycles through them.
const (
	SortName      Sort = iota // by name
	SortAttention             // conflicts, dirty, diverged… first
	SortRecent                // most recent commit first
	SortResult                // failed first, then busy
	numSorts
)

func (s Sort) String() string {
	return [...]string{"name", "attention", "recent", "result"}[s]
}

// Stats are the counts the header shows.
type Stats struct {
	Total, Shown, Selected                        int
	NotCloned, Dirty, Behind, Ahead, Failed, Busy int
	// Conflict counts repositories with unmerged paths; Running the busy
	// ones whose operation has started (the rest wait in the queue).
	Conflict, Running int
}

// Model is the table. It owns four parts and keeps them consistent: the
// rows with their filtered, sorted view and counts (Index), the cursor and
// scroll offset (viewport), the selection, and the look of a frame
// (Painter). What changes more than one part — rows coming and going, a
// new filter or order moving the cursor — is here. The parts are fields,
// not embedded, so that their methods are not the Model's too: callers
// reach them through Index and Painter, which keeps the Model's method
// set (what a reader of its API sees) inside issue 14's budget.
type Model struct {
	idx  Index
	look Painter
	vp   viewport
	sel  selection
}

// New returns an empty table; now is the clock for commit ages.
func New(st *styles.Styles, now func() time.Time) Model {
	return Model{
		idx:  Index{byID: map[string]*Row{}},
		look: Painter{styles: st, now: now, rendered: new(int)},
		sel:  selection{},
	}
}

// Add adds rows (a row whose ID exists is ignored) and refreshes the view.
func (m *Model) Add(rows ...*Row) {
	if len(m.idx.byID) == 0 && len(rows) > 1 {
		// The first rows (10,000 at the first paint): made at their
		// size, not grown row by row.
		m.idx.byID = make(map[string]*Row, len(rows))
	}
	m.idx.rows = slices.Grow(m.idx.rows, len(rows))
	for _, r := range rows {
		m.idx.add(r)
	}
	m.Refresh()
}

// Remove takes away the rows with ids (and their selection) and
// refreshes the view.
func (m *Model) Remove(ids ...string) {
	if len(ids) == 0 {
		return
	}
	gone := make(map[string]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
		delete(m.sel, id)
	}
	m.idx.remove(gone)
	m.Refresh()
}

// Apply changes the rows for a batch of engine events; call Refresh after
// the batch. Events of unknown repositories add a row (RepoFound carries
// what is needed).
func (m *Model) Apply(ev engine.Event) {
	id := ev.EventMeta().RepoID
	if id == "" {
		return
	}
	r := m.idx.Row(id)
	if r == nil {
		f, ok := ev.(engine.RepoFound)
		if !ok {
			return
		}
		r = NewRow(f.Repo.ID, f.Repo.Path, f.Repo.URL)
		r.Cloned = f.Repo.URL == ""
		m.idx.add(r)
	}
	r.apply(ev)
}

// SetSize sets the area the table may draw in, heading included.
func (m *Model) SetSize(w, h int) {
	m.look.width, m.vp.height = w, max(h, 2)
	m.vp.clamp(len(m.idx.view))
}

// SetFilter narrows the view to rows whose name, branch, state or flags
// contain every word of f (case-insensitively).
func (m *Model) SetFilter(f string) {
	m.idx.filter = f
	m.Refresh()
}

// CycleSort moves to the next order.
func (m *Model) CycleSort() {
	m.idx.sort = (m.idx.sort + 1) % numSorts
	m.Refresh()
}

// Refresh recomputes the view after rows, filter or sort changed, keeping
// the cursor on the same repository when it is still shown.
func (m *Model) Refresh() {
	var keep string
	if c := m.Cursor(); c != nil {
		keep = c.ID
	}
	m.idx.refresh()
	m.vp.cursor = max(m.idx.position(keep), 0)
	m.vp.clamp(len(m.idx.view))
}

// Stats returns the counts as of the last Refresh, and the selection's
// as of now.
func (m *Model) Stats() Stats {
	st := m.idx.stats
	st.Selected = len(m.sel)
	return st
}

// Cursor returns the row under the cursor, nil when none is shown.
func (m *Model) Cursor() *Row {
	if m.vp.cursor < 0 || m.vp.cursor >= len(m.idx.view) {
		return nil
	}
	return m.idx.view[m.vp.cursor]
}

// Move moves the cursor by n rows (negative is up), staying in the view.
func (m *Model) Move(n int) {
	m.vp.cursor += n
	m.vp.clamp(len(m.idx.view))
}

// Top and Bottom jump to the first and last row.
func (m *Model) Top()    { m.vp.cursor = 0; m.vp.clamp(len(m.idx.view)) }
func (m *Model) Bottom() { m.vp.cursor = len(m.idx.view) - 1; m.vp.clamp(len(m.idx.view)) }

// Page moves by n pages.
func (m *Model) Page(n int) { m.Move(n * m.vp.body()) }

// ClickLine moves the cursor to the row shown on line i of the body (0 is
// the first row under the heading); a line with no row changes nothing.
func (m *Model) ClickLine(i int) bool {
	row := m.vp.lineRow(i, len(m.idx.view))
	if row < 0 {
		return false
	}
	m.vp.cursor = row
	m.vp.clamp(len(m.idx.view))
	return true
}

// ToggleSelect selects or deselects the row under the cursor.
func (m *Model) ToggleSelect() {
	if r := m.Cursor(); r != nil {
		m.sel.toggle(r.ID)
	}
}

// SelectAllShown selects every row shown, or clears the selection when
// every shown row is already selected.
func (m *Model) SelectAllShown() { m.sel.toggleAll(m.idx.view) }

// ClearSelection deselects everything.
func (m *Model) ClearSelection() { clear(m.sel) }

// Selected reports whether the row with id is selected.
func (m *Model) Selected(id string) bool { return m.sel[id] }

// Targets are the rows an action applies to: the selection (the shown
// rows in view order, then those the filter hides), or else the row under
// the cursor.
func (m *Model) Targets() []*Row {
	if len(m.sel) > 0 {
		return m.sel.targets(m.idx.view, m.idx.rows)
	}
	if r := m.Cursor(); r != nil {
		return []*Row{r}
	}
	return nil
}

// View renders the heading and the visible rows only, so that the cost
// of a frame does not grow with the number of repositories.
func (m *Model) View() string {
	from, to := m.vp.window(len(m.idx.view))
	return m.look.paint(m.idx.view, from, to, m.vp.cursor, m.sel, m.idx.filter)
}

// Index gives read access to the rows, the shown rows, the filter and the
// order; they change only through the Model, which keeps the cursor and
// the selection in step with them.
func (m *Model) Index() *Index { return &m.idx }

// Painter gives the look of a frame: styles, spinner frame, rows drawn.
func (m *Model) Painter() *Painter { return &m.look }
