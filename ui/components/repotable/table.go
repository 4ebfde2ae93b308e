package repotable

import (
	"cmp"
	"slices"
	"strings"
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

// Model is the table: every row, the filtered and sorted view of them, the
// cursor, the scroll offset and the selection.
type Model struct {
	rows  []*Row
	index map[string]*Row

	// order is every row in the current sort order, kept between
	// refreshes: by name it only changes when rows come or go, and by
	// state a batch of events moves few rows, so a refresh mostly finds
	// it in order and does not sort 10,000 rows again. nil: rebuild.
	order    []*Row
	view     []*Row // rows passing the filter, in sort order
	cursor   int    // index into view
	offset   int    // first visible index into view
	selected map[string]bool
	filter   string
	sort     Sort
	stats    Stats

	width, height int
	styles        *styles.Styles
	spin          string
	now           func() time.Time
	// rendered counts the rows drawn by View since New, so a test can
	// prove a frame costs the visible rows, not all rows. A pointer: the
	// root model renders from a copy of itself.
	rendered *int
}

// New returns an empty table; now is the clock for commit ages.
func New(st *styles.Styles, now func() time.Time) Model {
	return Model{index: map[string]*Row{}, selected: map[string]bool{}, styles: st, now: now, rendered: new(int)}
}

// Add adds rows (a row whose ID exists is ignored) and refreshes the view.
func (m *Model) Add(rows ...*Row) {
	for _, r := range rows {
		if _, dup := m.index[r.ID]; dup {
			continue
		}
		m.rows = append(m.rows, r)
		m.index[r.ID] = r
		m.order = nil
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
		delete(m.index, id)
		delete(m.selected, id)
	}
	m.rows = slices.DeleteFunc(m.rows, func(r *Row) bool { return gone[r.ID] })
	m.order = nil
	m.Refresh()
}

// Row returns the row with id, or nil.
func (m *Model) Row(id string) *Row { return m.index[id] }

// Rows returns every row (not a copy: callers must not modify the slice).
func (m *Model) Rows() []*Row { return m.rows }

// Apply changes the rows for a batch of engine events; call Refresh after
// the batch. Events of unknown repositories add a row (RepoFound carries
// what is needed).
func (m *Model) Apply(ev engine.Event) {
	id := ev.EventMeta().RepoID
	if id == "" {
		return
	}
	r := m.index[id]
	if r == nil {
		f, ok := ev.(engine.RepoFound)
		if !ok {
			return
		}
		r = NewRow(f.Repo.ID, f.Repo.Path, f.Repo.URL)
		r.Cloned = f.Repo.URL == ""
		m.rows = append(m.rows, r)
		m.index[r.ID] = r
		m.order = nil
	}
	r.apply(ev)
}

// SetStyles switches the look (light/dark background detected).
func (m *Model) SetStyles(st *styles.Styles) { m.styles = st }

// SetSize sets the area the table may draw in, heading included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, max(h, 2)
	m.clamp()
}

// SetSpinner sets the frame busy rows show.
func (m *Model) SetSpinner(frame string) { m.spin = frame }

// Filter returns the filter text.
func (m *Model) Filter() string { return m.filter }

// SetFilter narrows the view to rows whose name, branch, state or flags
// contain every word of f (case-insensitively).
func (m *Model) SetFilter(f string) {
	m.filter = f
	m.Refresh()
}

// SortOrder returns the current order.
func (m *Model) SortOrder() Sort { return m.sort }

// CycleSort moves to the next order.
func (m *Model) CycleSort() {
	m.sort = (m.sort + 1) % numSorts
	m.Refresh()
}

// Refresh recomputes the view after rows, filter or sort changed, keeping
// the cursor on the same repository when it is still shown.
func (m *Model) Refresh() {
	var keep string
	if c := m.Cursor(); c != nil {
		keep = c.ID
	}
	words := strings.Fields(strings.ToLower(m.filter))
	if m.order == nil {
		m.order = slices.Clone(m.rows)
	}
	// Every order ends in the unique ID: an unstable sort gives the same
	// result as a stable one, and a check in order costs n comparisons.
	if less := m.less(); !slices.IsSortedFunc(m.order, less) {
		slices.SortFunc(m.order, less)
	}
	m.view = m.view[:0]
	st := Stats{Total: len(m.rows)}
	for _, r := range m.order {
		m.count(&st, r)
		if matches(r, words) {
			m.view = append(m.view, r)
		}
	}
	st.Shown = len(m.view)
	st.Selected = len(m.selected)
	m.stats = st
	m.cursor = 0
	for i, r := range m.view {
		if r.ID == keep {
			m.cursor = i
			break
		}
	}
	m.clamp()
}

func (m *Model) count(st *Stats, r *Row) {
	switch {
	case !r.Cloned:
		st.NotCloned++
	case r.Status != nil:
		if r.Status.Conflicts > 0 {
			st.Conflict++
		}
		if r.Status.Dirty() {
			st.Dirty++
		}
		if r.Status.Behind > 0 {
			st.Behind++
		}
		if r.Status.Ahead > 0 {
			st.Ahead++
		}
	}
	if r.Failed() {
		st.Failed++
	}
	if r.Busy() {
		st.Busy++
		if r.Running {
			st.Running++
		}
	}
}

// RowsRendered is the number of rows View has drawn since New.
func (m *Model) RowsRendered() int {
	if m.rendered == nil {
		return 0
	}
	return *m.rendered
}

// Stats returns the counts as of the last Refresh.
func (m *Model) Stats() Stats { return m.stats }

func matches(r *Row, words []string) bool {
	if len(words) == 0 {
		return true
	}
	hay := r.filterText()
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

var attention = map[string]int{
	"conflict": 0, "dirty": 1, "out-of-sync": 2, "diverged": 2, "ahead": 3, "behind": 4, "detached": 5,
	"upstream-gone": 6, "no-upstream": 7, "no-commits": 8, "unknown": 9, "not-cloned": 10, "clean": 11,
}

func (m *Model) less() func(a, b *Row) int {
	// By what the user sees; the raw ID breaks ties of sanitized names.
	byID := func(a, b *Row) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) }
	switch m.sort {
	case SortAttention:
		return func(a, b *Row) int {
			return cmp.Or(cmp.Compare(attention[a.State()], attention[b.State()]), byID(a, b))
		}
	case SortRecent:
		return func(a, b *Row) int {
			return cmp.Or(headTime(b).Compare(headTime(a)), byID(a, b))
		}
	case SortResult:
		rank := func(r *Row) int {
			switch {
			case r.Failed():
				return 0
			case r.Busy():
				return 1
			}
			return 2
		}
		return func(a, b *Row) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), byID(a, b)) }
	}
	return byID
}

func headTime(r *Row) time.Time {
	if r.Status == nil {
		return time.Time{}
	}
	return r.Status.Head.Time
}

// Cursor returns the row under the cursor, nil when none is shown.
func (m *Model) Cursor() *Row {
	if m.cursor < 0 || m.cursor >= len(m.view) {
		return nil
	}
	return m.view[m.cursor]
}

// bodyHeight is the number of row lines (the heading takes one).
func (m *Model) bodyHeight() int { return max(m.height-1, 1) }

// Move moves the cursor by n rows (negative is up), staying in the view.
func (m *Model) Move(n int) {
	m.cursor += n
	m.clamp()
}

// Top and Bottom jump to the first and last row.
func (m *Model) Top()    { m.cursor = 0; m.clamp() }
func (m *Model) Bottom() { m.cursor = len(m.view) - 1; m.clamp() }

// Page moves by n pages.
func (m *Model) Page(n int) { m.Move(n * m.bodyHeight()) }

// clamp keeps the cursor in the view and the offset showing the cursor.
func (m *Model) clamp() {
	m.cursor = min(max(m.cursor, 0), max(len(m.view)-1, 0))
	h := m.bodyHeight()
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+h {
		m.offset = m.cursor - h + 1
	}
	m.offset = min(max(m.offset, 0), max(len(m.view)-h, 0))
}

// ToggleSelect selects or deselects the row under the cursor.
func (m *Model) ToggleSelect() {
	r := m.Cursor()
	if r == nil {
		return
	}
	if m.selected[r.ID] {
		delete(m.selected, r.ID)
	} else {
		m.selected[r.ID] = true
	}
	m.stats.Selected = len(m.selected)
}

// SelectAllShown selects every row shown, or clears the selection when
// every shown row is already selected.
func (m *Model) SelectAllShown() {
	all := len(m.view) > 0
	for _, r := range m.view {
		all = all && m.selected[r.ID]
	}
	for _, r := range m.view {
		if all {
			delete(m.selected, r.ID)
		} else {
			m.selected[r.ID] = true
		}
	}
	m.stats.Selected = len(m.selected)
}

// ClearSelection deselects everything.
func (m *Model) ClearSelection() {
	clear(m.selected)
	m.stats.Selected = 0
}

// Targets are the rows an action applies to: the selection, in row order,
// or else the row under the cursor.
func (m *Model) Targets() []*Row {
	if len(m.selected) == 0 {
		if r := m.Cursor(); r != nil {
			return []*Row{r}
		}
		return nil
	}
	var out []*Row
	seen := make(map[string]bool, len(m.selected))
	for _, r := range m.view {
		if m.selected[r.ID] {
			out = append(out, r)
			seen[r.ID] = true
		}
	}
	// Selected rows hidden by the filter still count.
	for _, r := range m.rows {
		if m.selected[r.ID] && !seen[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// Selected reports whether the row with id is selected.
func (m *Model) Selected(id string) bool { return m.selected[id] }

// Shown returns the rows passing the filter, in view order.
func (m *Model) Shown() []*Row { return m.view }

// ClickLine moves the cursor to the row shown on line i of the body (0 is
// the first row under the heading); a line with no row changes nothing.
func (m *Model) ClickLine(i int) bool {
	if i < 0 || i >= m.bodyHeight() || m.offset+i >= len(m.view) {
		return false
	}
	m.cursor = m.offset + i
	m.clamp()
	return true
}
