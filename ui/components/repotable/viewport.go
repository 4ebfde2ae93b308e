package repotable

// viewport is the cursor and the scroll offset over the shown rows: the
// row an action falls back to and the window of rows a frame draws. It
// holds positions only; the caller passes the number of shown rows, so
// it cannot go stale when the rows change.
type viewport struct {
	cursor int // index into the shown rows
	offset int // first shown row drawn
	height int // lines the table may use, heading included
}

// body is the number of row lines (the heading takes one).
func (v *viewport) body() int { return max(v.height-1, 1) }

// clamp keeps the cursor among the n shown rows and the offset showing
// the cursor.
func (v *viewport) clamp(n int) {
	v.cursor = min(max(v.cursor, 0), max(n-1, 0))
	h := v.body()
	if v.cursor < v.offset {
		v.offset = v.cursor
	}
	if v.cursor >= v.offset+h {
		v.offset = v.cursor - h + 1
	}
	v.offset = min(max(v.offset, 0), max(n-h, 0))
}

// window is the range of the n shown rows a frame draws.
func (v *viewport) window(n int) (from, to int) {
	return v.offset, min(v.offset+v.body(), n)
}

// lineRow is the index of the shown row on body line i, or -1 when the
// line has none.
func (v *viewport) lineRow(i, n int) int {
	if i < 0 || i >= v.body() || v.offset+i >= n {
		return -1
	}
	return v.offset + i
}
