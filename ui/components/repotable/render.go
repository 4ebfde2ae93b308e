package repotable

import (
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/styles"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// painter draws frames: the columns fitted to the width, the styles and
// the spinner frame. It reads the rows, the cursor and the selection it
// is given and changes none of them.
type painter struct {
	width  int
	styles *styles.Styles
	spin   string
	now    func() time.Time
	// rendered counts the rows drawn since New, so a test can prove a
	// frame costs the visible rows, not all rows. A pointer: the root
	// model renders from a copy of itself.
	rendered *int
}

// SetStyles switches the look (light/dark background detected).
func (p *painter) SetStyles(st *styles.Styles) { p.styles = st }

// SetSpinner sets the frame busy rows show.
func (p *painter) SetSpinner(frame string) { p.spin = frame }

// RowsRendered is the number of rows View has drawn since New.
func (p *painter) RowsRendered() int {
	if p.rendered == nil {
		return 0
	}
	return *p.rendered
}

// paint renders the heading and shown[from:to], the row at cursor
// marked; filter names what an empty view was filtered by.
func (p *painter) paint(shown []*Row, from, to, cursor int, sel selection, filter string) string {
	l := columnsFor(p.width)
	var b strings.Builder
	fl := "FLAGS"
	if l[colFlags] < len(fl) {
		fl = "FL"
	}
	b.WriteString(p.styles.Table.Heading.Render(line(l, layoutCells{
		"  ", "REPOSITORY", "STATE", "BRANCH", "SYNC", "CHANGES", fl, "LAST OP", "AGE", "COMMIT"})))
	if len(shown) == 0 {
		b.WriteString("\n")
		msg := "no repositories"
		if filter != "" {
			msg = "no repository matches " + strconv.Quote(filter)
		}
		b.WriteString(p.styles.Muted.Render("  " + msg))
		return b.String()
	}
	if p.rendered != nil {
		*p.rendered += to - from
	}
	for i := from; i < to; i++ {
		b.WriteString("\n")
		b.WriteString(p.renderRow(l, shown[i], i == cursor, sel[shown[i].ID]))
	}
	return b.String()
}

// layoutCells are the texts of one line, a column each.
type layoutCells [numCols]string

// line joins the cells of the shown columns, each fitted to its width.
func line(l layout, c layoutCells) string {
	return joinCells(l, func(k col) string { return termtext.Fit(c[k], l[k]) })
}

// joinCells joins the shown columns' cells, the mark and the name without
// a gap.
func joinCells(l layout, cell func(col) string) string {
	parts := []string{cell(colMark) + cell(colName)}
	for k := colState; k < numCols; k++ {
		if l[k] > 0 {
			parts = append(parts, cell(k))
		}
	}
	return strings.Join(parts, " ")
}

func (p *painter) cells(l layout, r *Row, cursor, selected bool) layoutCells {
	mark := "  "
	switch {
	case cursor && selected:
		mark = "▸●"
	case cursor:
		mark = "▸ "
	case selected:
		mark = " ●"
	}
	c := layoutCells{colMark: mark, colName: nameCell(r, l[colName]), colState: r.StateLabel(), colFlags: flags(r, l[colFlags] > 5)}
	if !r.Cloned {
		// STATE says "not cloned"; the branch is not known.
	} else if st := r.Status; st != nil {
		c[colBranch] = st.Branch
		if st.Detached {
			c[colBranch] = "@" + humanize.SHA(st.Head.SHA)
		}
		c[colSync] = syncCell(st.Ahead, st.Behind, st.Upstream == "" || st.UpstreamGone)
		c[colChanges] = changesCell(st.Staged, st.Unstaged, st.Untracked, st.Conflicts, st.Stash)
		if !st.NoCommits && st.Head.SHA != "" {
			c[colAge] = humanize.Age(p.now().Sub(st.Head.Time))
			c[colSubject] = st.Head.Subject
		}
	} else {
		c[colBranch] = "…"
	}
	c[colLast] = p.lastCell(r)
	return c
}

func (p *painter) renderRow(l layout, r *Row, cursor, selected bool) string {
	c := p.cells(l, r, cursor, selected)
	if cursor {
		return p.styles.Table.Cursor.Render(line(l, c))
	}
	// Colour the cells that carry a judgement; the rest stays plain.
	s := p.styles.Table
	style := [numCols]func(...string) string{}
	if selected {
		style[colMark], style[colName] = s.Selected.Render, s.Selected.Render
	}
	style[colState] = p.stateStyle(r)
	if r.Status != nil && r.Status.Behind+r.Status.Ahead > 0 {
		style[colSync] = s.Warn.Render
	}
	if r.Status != nil && r.Status.Conflicts > 0 {
		style[colChanges] = s.Bad.Render
	} else if r.Status != nil && r.Status.Dirty() {
		style[colChanges] = s.Warn.Render
	}
	style[colFlags] = s.Warn.Render
	switch {
	case r.Busy():
		style[colLast] = s.Busy.Render
	case r.Failed():
		style[colLast] = s.Bad.Render
	case r.Last != nil:
		style[colLast] = s.OK.Render
	}
	style[colAge] = s.Muted.Render
	return joinCells(l, func(k col) string {
		f := style[k]
		if f == nil {
			return termtext.Fit(c[k], l[k])
		}
		return f(termtext.Fit(c[k], l[k]))
	})
}

// stateStyle colours STATE: red for what blocks, yellow for what waits.
func (p *painter) stateStyle(r *Row) func(...string) string {
	s := p.styles.Table
	switch r.StateLabel() {
	case "conflict", "needs creds":
		return s.Bad.Render
	case "dirty", "ahead", "behind", "diverged", "out of sync", "gone":
		return s.Warn.Render
	case "clean":
		return s.OK.Render
	}
	return s.Muted.Render
}

// lastCell is the spinner and progress of a busy row, else the last
// result: "✓ pull 1.2s", "✗ fetch auth".
func (p *painter) lastCell(r *Row) string {
	if r.Busy() {
		if !r.Running {
			return "· " + string(r.Op) + " queued"
		}
		s := p.spin + " " + string(r.Op)
		if p := r.Progress; p.Total > 0 {
			s += " " + strconv.FormatInt(p.Current*100/p.Total, 10) + "%"
		}
		if r.Attempt > 1 {
			s += " #" + strconv.Itoa(r.Attempt)
		}
		return s
	}
	if r.Last == nil {
		return ""
	}
	switch r.Last.Outcome {
	case string(engine.OutcomeFailed):
		if o := r.Output; r.Last.Op == string(engine.OpExec) && o != nil && o.ExitCode > 0 {
			return "✗ exec exit " + strconv.Itoa(o.ExitCode)
		}
		return "✗ " + r.Last.Op + " " + shortCause(r.Last.Cause)
	case string(engine.OutcomeSkipped):
		// A cancelled operation was stopped by the user, or never ran:
		// neither is a skip the operation chose.
		switch r.Last.Cause {
		case string(engine.CancelStopped):
			return "■ " + r.Last.Op + " stopped"
		case string(engine.CancelNotStarted):
			return "– " + r.Last.Op + " not run"
		}
		return "– " + r.Last.Op + " skipped"
	}
	return "✓ " + r.Last.Op + " " + humanize.Duration(r.Last.Duration)
}

// nameCell is the short name, marked "×n" when n providers list a
// repository at its path (the detail pane names them).
func nameCell(r *Row, w int) string {
	if len(r.Also) == 0 {
		return shortName(r.Name, w)
	}
	mark := " ×" + strconv.Itoa(len(r.Also)+1)
	return shortName(r.Name, max(w-len(mark), 1)) + mark
}

// shortName fits a repository name into w cells: whole when it fits, else
// without the host ("org/repo"), else its tail.
func shortName(id string, w int) string {
	if termtext.Width(id) <= w {
		return id
	}
	if i := strings.IndexByte(id, '/'); i > 0 && strings.Contains(id[:i], ".") {
		if rest := id[i+1:]; termtext.Width(rest) <= w {
			return rest
		}
		id = id[i+1:]
	}
	return termtext.FitLeft(id, w)
}

func syncCell(ahead, behind int, noUpstream bool) string {
	if noUpstream {
		return "-"
	}
	if ahead == 0 && behind == 0 {
		return "="
	}
	s := ""
	if ahead > 0 {
		s += "↑" + strconv.Itoa(ahead)
	}
	if behind > 0 {
		s += "↓" + strconv.Itoa(behind)
	}
	return s
}

func changesCell(staged, unstaged, untracked, conflicts, stash int) string {
	var parts []string
	for _, c := range []struct {
		sign string
		n    int
	}{{"+", staged}, {"~", unstaged}, {"?", untracked}, {"!", conflicts}, {"≡", stash}} {
		if c.n > 0 {
			parts = append(parts, c.sign+strconv.Itoa(c.n))
		}
	}
	if len(parts) == 0 {
		return "·"
	}
	return strings.Join(parts, " ")
}

// flags lists archived, fork and upstream gone; long spells them out.
func flags(r *Row, long bool) string {
	var f []string
	add := func(on bool, shortF, longF string) {
		switch {
		case on && long:
			f = append(f, longF)
		case on:
			f = append(f, shortF)
		}
	}
	add(r.Archived, "A", "arch")
	add(r.Fork, "F", "fork")
	add(r.Status != nil && r.Status.UpstreamGone, "G", "gone")
	if long {
		return strings.Join(f, ",")
	}
	return strings.Join(f, "")
}
