package headless

import (
	"slices"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/mgit-dev/mgit/engine/humanize"
)

// Column is one column of a text table and how it gives way when the table
// is wider than the terminal.
type Column struct {
	Header string
	// Priority ranks the columns by what they are worth to the reader:
	// when the table is too wide, the lowest are shortened and dropped
	// first.
	Priority int
	// Keep columns are never dropped (what names the row, and its state):
	// they are shortened only after every other column has given way.
	Keep bool
	// Min is the narrowest a shortened cell stays (with its ellipsis) while
	// other columns can still give way; 0 means the column is never
	// shortened, only dropped (counts, short codes: half a number is
	// worse than none).
	Min int
	// KeepEnd shortens a cell by its start ("…/acme/api"): a path's last
	// segments say which repository it is.
	KeepEnd bool
}

// colGap is the space between two columns.
const colGap = 2

// dropped marks a column left out in a layout's widths.
const dropped = -1

// Table is a text table that fits a terminal's width: when its rows are
// wider, low-priority columns are shortened (display-width aware, with an
// ellipsis), then dropped, before the kept ones are shortened.
type Table struct {
	Columns []Column
	Rows    [][]string
	// Width is the terminal's width in columns; 0 or less means no limit,
	// so a pipe or a CI log gets every column in full.
	Width int
	// Style, when set, decorates a cell after layout (row -1 is the
	// header; col indexes Columns). It must not change the display width.
	Style func(row, col int, cell string) string
}

// Lines lays the table out: one line per row after the header line, cells
// padded to their column's width, trailing spaces trimmed. A row that
// cannot fit even with every optional column dropped and the kept ones at
// their header's width is left wider than Width.
func (t Table) Lines() []string {
	natural := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		natural[i] = uniseg.StringWidth(c.Header)
	}
	for _, r := range t.Rows {
		for i, c := range r {
			if i < len(natural) {
				natural[i] = max(natural[i], uniseg.StringWidth(c))
			}
		}
	}
	widths := fitColumns(t.Columns, natural, t.Width)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Header
	}
	lines := make([]string, 0, len(t.Rows)+1)
	lines = append(lines, t.line(-1, header, widths))
	for k, r := range t.Rows {
		lines = append(lines, t.line(k, r, widths))
	}
	return lines
}

// line renders one row with the layout's widths.
func (t Table) line(row int, cells []string, widths []int) string {
	last := len(widths) - 1
	for last >= 0 && widths[last] == dropped {
		last--
	}
	var b strings.Builder
	for i, w := range widths {
		if w == dropped {
			continue
		}
		c := ""
		if i < len(cells) {
			c = fit(cells[i], w, t.Columns[i].KeepEnd)
		}
		if t.Style != nil {
			b.WriteString(t.Style(row, i, c))
		} else {
			b.WriteString(c)
		}
		if i < last {
			b.WriteString(strings.Repeat(" ", w-uniseg.StringWidth(c)+colGap))
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// fit shortens s to width columns: humanize.Truncate, or with keepEnd
// its longest suffix of whole grapheme clusters after an ellipsis.
func fit(s string, width int, keepEnd bool) string {
	if !keepEnd || uniseg.StringWidth(s) <= width {
		return humanize.Truncate(s, width)
	}
	if width < 1 {
		return ""
	}
	var starts, widths []int
	state, off := -1, 0
	for rest := s; rest != ""; {
		var cluster string
		var w int
		cluster, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		starts, widths = append(starts, off), append(widths, w)
		off += len(cluster)
	}
	used, from := 0, len(s)
	for k := len(starts) - 1; k >= 0 && used+widths[k] <= width-1; k-- {
		used += widths[k]
		from = starts[k]
	}
	return humanize.Ellipsis + s[from:]
}

// fitColumns returns each column's width (dropped for a column left out)
// so the table fits in width:
//
//  1. optional columns that may be shortened are, lowest priority first,
//     down to their Min;
//  2. optional columns are dropped, lowest priority first;
//  3. the room a drop freed beyond what was needed goes back to the
//     shortened columns, highest priority first;
//  4. kept columns are shortened, lowest priority first, down to their
//     header's width.
func fitColumns(cols []Column, natural []int, width int) []int {
	w := slices.Clone(natural)
	if width <= 0 || total(w) <= width {
		return w
	}
	order := make([]int, len(cols))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cols[a].Priority - cols[b].Priority })

	for _, i := range order {
		if over := total(w) - width; over > 0 && !cols[i].Keep && cols[i].Min > 0 && w[i] > cols[i].Min {
			w[i] = max(cols[i].Min, w[i]-over)
		}
	}
	for _, i := range order {
		if total(w) > width && !cols[i].Keep {
			w[i] = dropped
		}
	}
	for _, i := range slices.Backward(order) {
		if spare := width - total(w); spare > 0 && w[i] != dropped && w[i] < natural[i] {
			w[i] = min(natural[i], w[i]+spare)
		}
	}
	for _, i := range order {
		floor := max(uniseg.StringWidth(cols[i].Header), 1)
		if over := total(w) - width; over > 0 && cols[i].Keep && cols[i].Min > 0 && w[i] > floor {
			w[i] = max(floor, w[i]-over)
		}
	}
	return w
}

// total is the width of a row laid out with widths w.
func total(w []int) int {
	sum, shown := 0, 0
	for _, x := range w {
		if x != dropped {
			sum += x
			shown++
		}
	}
	if shown > 1 {
		sum += colGap * (shown - 1)
	}
	return sum
}
