package repotable

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// rowIndex holds the rows and what the filter and the sort make of them:
// the shown rows in order and the counts. It knows nothing of the cursor,
// the selection or the screen, so its work is only done on Refresh and
// never on a key that moves the cursor.
type rowIndex struct {
	rows []*Row
	byID map[string]*Row

	// order is every row in the current sort order, kept between
	// refreshes: by name it only changes when rows come or go, and by
	// state a batch of events moves few rows, so a refresh mostly finds
	// it in order and does not sort 10,000 rows again. nil: rebuild.
	order  []*Row
	view   []*Row // rows passing the filter, in sort order
	filter string
	sort   Sort
	stats  Stats // as of the last refresh; Selected is the Model's
}

// Row returns the row with id, or nil.
func (x *rowIndex) Row(id string) *Row { return x.byID[id] }

// Rows returns every row (not a copy: callers must not modify the slice).
func (x *rowIndex) Rows() []*Row { return x.rows }

// Shown returns the rows passing the filter, in view order.
func (x *rowIndex) Shown() []*Row { return x.view }

// Filter returns the filter text.
func (x *rowIndex) Filter() string { return x.filter }

// SortOrder returns the current order.
func (x *rowIndex) SortOrder() Sort { return x.sort }

// add adds r unless a row with its ID exists, and reports whether it did.
func (x *rowIndex) add(r *Row) bool {
	if _, dup := x.byID[r.ID]; dup {
		return false
	}
	x.rows = append(x.rows, r)
	x.byID[r.ID] = r
	x.order = nil
	return true
}

// remove takes away the rows whose IDs gone holds.
func (x *rowIndex) remove(gone map[string]bool) {
	for id := range gone {
		delete(x.byID, id)
	}
	x.rows = slices.DeleteFunc(x.rows, func(r *Row) bool { return gone[r.ID] })
	x.order = nil
}

// refresh recomputes the order, the shown rows and the counts after
// rows, filter or sort changed.
func (x *rowIndex) refresh() {
	words := strings.Fields(strings.ToLower(x.filter))
	if x.order == nil {
		x.order = slices.Clone(x.rows)
	}
	// Every order ends in the unique ID: an unstable sort gives the same
	// result as a stable one, and a check in order costs n comparisons.
	if less := x.sort.less(); !slices.IsSortedFunc(x.order, less) {
		slices.SortFunc(x.order, less)
	}
	x.view = x.view[:0]
	st := Stats{Total: len(x.rows)}
	for _, r := range x.order {
		st.count(r)
		if matches(r, words) {
			x.view = append(x.view, r)
		}
	}
	st.Shown = len(x.view)
	x.stats = st
}

// position is the index of the row with id among the shown rows, or -1.
func (x *rowIndex) position(id string) int {
	return slices.IndexFunc(x.view, func(r *Row) bool { return r.ID == id })
}

// count adds r to the counts.
func (st *Stats) count(r *Row) {
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

// less is the comparison of the order s.
func (s Sort) less() func(a, b *Row) int {
	// By what the user sees; the raw ID breaks ties of sanitized names.
	byID := func(a, b *Row) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) }
	switch s {
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
