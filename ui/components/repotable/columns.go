package repotable

import (
	"strings"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// col names a column of the table, left to right.
type col int

const (
	colMark col = iota
	colName
	colState
	colBranch
	colSync
	colChanges
	colFlags
	colLast
	colAge
	colSubject
	numCols
)

// layout is the width of each column; 0 hides a column.
type layout [numCols]int

// minName is the room the repository name keeps before the table drops a
// low-value column for it: the name is what a row is found by.
const minName = 16

// dropOrder is which column goes first when the table is too narrow:
// the flags (rare, and in the detail pane), the last operation (the
// detail pane has it), then SYNC and CHANGES, which STATE sums up.
var dropOrder = []col{colFlags, colLast, colSync, colChanges}

// columnsFor fits the columns into w cells. Wide tables (from about 120
// cells) get the commit age and subject, and from 140 the flags; narrow
// ones drop columns by dropOrder until the name has minName cells, and
// never give BRANCH more room than the name.
func columnsFor(w int) layout {
	wide := layout{colMark: 2, colState: 11, colBranch: 16, colSync: 7, colChanges: 12, colFlags: 9, colLast: 16, colAge: 4}
	if w >= 160 {
		wide[colBranch], wide[colLast] = 22, 24
	}
	if w < 140 {
		wide[colFlags] = 0
	}
	// The name and the subject share what the fixed columns leave, the
	// name first.
	if rest := w - used(wide) - 1; rest >= 28+16 {
		wide[colName] = min(max(rest*60/100, 28), 48)
		wide[colSubject] = rest - wide[colName]
		return wide
	}
	l := layout{colMark: 2, colState: 11, colBranch: 12, colSync: 7, colChanges: 12, colFlags: 4, colLast: 14}
	for _, c := range dropOrder {
		if w-used(l) >= minName {
			break
		}
		l[c] = 0
	}
	l[colName] = max(w-used(l), 8)
	if l[colBranch] > l[colName] {
		l[colBranch] = max(l[colName]*2/3, 6)
		l[colName] = max(w-used(l), 8)
	}
	return l
}

// used is the width of the columns other than the name, with the gap
// before each shown one (the name sits right after the mark).
func used(l layout) int {
	n := l[colMark]
	for c := colState; c < numCols; c++ {
		if l[c] > 0 {
			n += l[c] + 1
		}
	}
	return n
}

// StateLabel is the row's state in words for the STATE column: what
// needs doing first. A failed authentication outranks what the status
// says, because nothing else can be brought up to date until it is fixed.
func (r *Row) StateLabel() string {
	switch {
	case !r.Cloned:
		return "not cloned"
	case r.Last != nil && r.Last.Outcome == string(engine.OutcomeFailed) && r.Last.Cause == git.ErrAuth.Error():
		return "needs creds"
	case r.Status == nil:
		return "…"
	}
	switch s := r.Status.State(); s {
	case "upstream-gone":
		return "gone"
	case "no-commits", "no-upstream", "out-of-sync":
		return spaced(s)
	default:
		return s
	}
}

func spaced(s string) string { return strings.ReplaceAll(s, "-", " ") }
