package repotable

import (
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// layout is the width of each column for a table width; 0 hides a column.
type layout struct {
	name, branch, sync, changes, flags, last, age, subject int
}

// columnsFor fits the columns into w cells. The name takes what the fixed
// columns leave; from 100 cells on, the last commit gets a column too.
func columnsFor(w int) layout {
	const mark = 2
	narrow := layout{branch: 12, sync: 7, changes: 12, flags: 4, last: 15}
	wide := layout{branch: 16, sync: 8, changes: 14, flags: 9, last: 18, age: 4}
	if w >= 160 {
		wide.branch, wide.last = 22, 24
	}
	// Wide: eight gaps between nine columns; the name and the subject
	// share what is left, the name getting at least 20 cells.
	rest := w - (mark + wide.branch + wide.sync + wide.changes + wide.flags + wide.last + wide.age) - 8
	if rest >= 20+12 {
		wide.name = min(max(rest*45/100, 20), 48)
		wide.subject = rest - wide.name
		return wide
	}
	narrow.name = max(w-(mark+narrow.branch+narrow.sync+narrow.changes+narrow.flags+narrow.last)-5, 8)
	return narrow
}

// View renders the heading and the visible rows only, so that the cost
// of a frame does not grow with the number of repositories.
func (m *Model) View() string {
	l := columnsFor(m.width)
	var b strings.Builder
	fl := "FLAGS"
	if l.flags < len(fl) {
		fl = "FL"
	}
	b.WriteString(m.styles.Table.Heading.Render(m.line(l, [8]string{
		"  ", "REPOSITORY", "BRANCH", "SYNC", "CHANGES", fl, "LAST OP", "AGE"}, "COMMIT")))
	if len(m.view) == 0 {
		b.WriteString("\n")
		msg := "no repositories"
		if m.filter != "" {
			msg = "no repository matches " + strconv.Quote(m.filter)
		}
		b.WriteString(m.styles.Muted.Render("  " + msg))
		return b.String()
	}
	end := min(m.offset+m.bodyHeight(), len(m.view))
	for i := m.offset; i < end; i++ {
		b.WriteString("\n")
		b.WriteString(m.renderRow(l, m.view[i], i == m.cursor))
	}
	return b.String()
}

// line joins cells (marker, name, branch, sync, changes, flags, last,
// age) and the subject, each fitted to its column.
func (m *Model) line(l layout, c [8]string, subject string) string {
	parts := []string{
		termtext.Fit(c[0], 2) + termtext.Fit(c[1], l.name),
		termtext.Fit(c[2], l.branch), termtext.Fit(c[3], l.sync),
		termtext.Fit(c[4], l.changes), termtext.Fit(c[5], l.flags), termtext.Fit(c[6], l.last),
	}
	if l.age > 0 {
		parts = append(parts, termtext.Fit(c[7], l.age), termtext.Fit(subject, l.subject))
	}
	return strings.Join(parts, " ")
}

func (m *Model) renderRow(l layout, r *Row, cursor bool) string {
	mark := "  "
	switch {
	case cursor && m.selected[r.ID]:
		mark = "▸●"
	case cursor:
		mark = "▸ "
	case m.selected[r.ID]:
		mark = " ●"
	}
	cells := [8]string{mark, shortName(r.Name, l.name), "", "", "", flags(r, l.flags > 5), "", ""}
	subject := ""
	if !r.Cloned {
		cells[2] = "not cloned"
	} else if st := r.Status; st != nil {
		cells[2] = st.Branch
		if st.Detached {
			cells[2] = "@" + humanize.SHA(st.Head.SHA)
		}
		cells[3] = syncCell(st.Ahead, st.Behind, st.Upstream == "" || st.UpstreamGone)
		cells[4] = changesCell(st.Staged, st.Unstaged, st.Untracked, st.Conflicts, st.Stash)
		if !st.NoCommits && st.Head.SHA != "" {
			cells[7] = humanize.Age(m.now().Sub(st.Head.Time))
			subject = st.Head.Subject
		}
	} else {
		cells[2] = "…"
	}
	cells[6] = m.lastCell(r)
	if cursor {
		return m.styles.Table.Cursor.Render(m.line(l, cells, subject))
	}
	// Colour the cells that carry a judgement; the rest stays plain.
	s := m.styles.Table
	parts := []string{
		termtext.Fit(cells[0], 2) + termtext.Fit(cells[1], l.name),
	}
	if m.selected[r.ID] {
		parts[0] = s.Selected.Render(parts[0])
	}
	branch := termtext.Fit(cells[2], l.branch)
	if !r.Cloned {
		branch = s.Muted.Render(branch)
	}
	sync := termtext.Fit(cells[3], l.sync)
	if r.Status != nil && r.Status.Behind+r.Status.Ahead > 0 {
		sync = s.Warn.Render(sync)
	}
	changes := termtext.Fit(cells[4], l.changes)
	if r.Status != nil && r.Status.Conflicts > 0 {
		changes = s.Bad.Render(changes)
	} else if r.Status != nil && r.Status.Dirty() {
		changes = s.Warn.Render(changes)
	}
	last := termtext.Fit(cells[6], l.last)
	switch {
	case r.Busy():
		last = s.Busy.Render(last)
	case r.Failed():
		last = s.Bad.Render(last)
	case r.Last != nil:
		last = s.OK.Render(last)
	}
	parts = append(parts, branch, sync, changes, s.Warn.Render(termtext.Fit(cells[5], l.flags)), last)
	if l.age > 0 {
		parts = append(parts, s.Muted.Render(termtext.Fit(cells[7], l.age)), termtext.Fit(subject, l.subject))
	}
	return strings.Join(parts, " ")
}

// lastCell is the spinner and progress of a busy row, else the last
// result: "✓ pull 1.2s", "✗ fetch auth".
func (m *Model) lastCell(r *Row) string {
	if r.Busy() {
		if !r.Running {
			return "· " + string(r.Op) + " queued"
		}
		s := m.spin + " " + string(r.Op)
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
		return "✗ " + r.Last.Op + " " + shortCause(r.Last.Cause)
	case string(engine.OutcomeSkipped):
		return "– " + r.Last.Op + " skipped"
	}
	return "✓ " + r.Last.Op + " " + duration(r.Last.Duration)
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

func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + "ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	}
	return d.Round(time.Second).String()
}
