package header

import (
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/safetext"
	"github.com/mgit-dev/mgit/ui/styles"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// window is how far back throughput looks.
const window = 5 * time.Second

// Model remembers when recent operations finished, and the engine's
// network concurrency.
type Model struct {
	root     string
	finished []time.Time // ascending, within window of the newest
	net      int         // network operations allowed at once (0: not known yet)
	// problems are failures that stay in view until resolved (a
	// provider's listing that failed), in the order they came.
	problems []problem
}

// problem is one unresolved failure of a source (a provider).
type problem struct{ source, text string }

// Fail records source's failure, replacing an earlier one of source.
func (m *Model) Fail(source, text string) {
	text = safetext.Sanitize(text)
	for i := range m.problems {
		if m.problems[i].source == source {
			m.problems[i].text = text
			return
		}
	}
	m.problems = append(m.problems, problem{source: source, text: text})
}

// Resolve forgets source's failure: it answered since.
func (m *Model) Resolve(source string) {
	for i, p := range m.problems {
		if p.source == source {
			m.problems = append(m.problems[:i:i], m.problems[i+1:]...)
			return
		}
	}
}

// Problems is the number of unresolved failures.
func (m Model) Problems() int { return len(m.problems) }

// New returns a header for the workspace at root (already shortened for
// display, e.g. with ~ for the home directory).
func New(root string) Model { return Model{root: safetext.Sanitize(root)} }

// Observe records finished operations and the network concurrency chosen.
func (m *Model) Observe(ev engine.Event) {
	if nl, ok := ev.(engine.NetworkLimit); ok {
		m.net = nl.Total
		return
	}
	f, ok := ev.(engine.OpFinished)
	if !ok {
		return
	}
	m.finished = append(m.finished, f.Time)
	cut := f.Time.Add(-window)
	i := 0
	for i < len(m.finished) && m.finished[i].Before(cut) {
		i++
	}
	m.finished = m.finished[i:]
}

// Rate is operations finished per second over the last window before now.
func (m Model) Rate(now time.Time) float64 {
	n := 0
	for _, t := range m.finished {
		if now.Sub(t) <= window {
			n++
		}
	}
	return float64(n) / window.Seconds()
}

// View renders the header line, at most width cells.
func (m Model) View(st repotable.Stats, spin string, now time.Time, width int, s *styles.Styles) string {
	left := s.Title.Render("mgit") + " " + s.Muted.Render(termtext.FitLeft(m.root, min(termtext.Width(m.root), max(width/4, 10))))
	var parts []string
	add := func(n int, label string, style func(...string) string) {
		if n > 0 {
			parts = append(parts, style(strconv.Itoa(n))+" "+label)
		}
	}
	conflicts := "conflicts"
	if st.Conflict == 1 {
		conflicts = "conflict"
	}
	repos := strconv.Itoa(st.Total) + " repos"
	if st.Shown != st.Total {
		repos = strconv.Itoa(st.Shown) + "/" + repos
	}
	parts = append(parts, s.Header.Count.Render(repos))
	add(st.Selected, "selected", s.Header.Count.Render)
	add(st.Conflict, conflicts, s.Header.Bad.Render)
	add(st.Dirty, "dirty", s.Header.Warn.Render)
	add(st.Behind, "behind", s.Header.Warn.Render)
	add(st.Ahead, "ahead", s.Header.Count.Render)
	add(st.NotCloned, "not cloned", s.Header.Count.Render)
	add(st.Failed, "failed", s.Header.Bad.Render)
	line := left + "  " + strings.Join(parts, " · ")
	if st.Busy > 0 {
		line += "  " + s.Table.Busy.Render(spin) + " " + strconv.Itoa(st.Busy) + " busy"
		if r := m.Rate(now); r > 0 {
			line += " · " + strconv.FormatFloat(r, 'f', 1, 64) + "/s"
		}
		if m.net > 0 {
			line += " · " + s.Muted.Render("net "+strconv.Itoa(m.net))
		}
	}
	// The failures last: truncated when the line is full, but still
	// there with their sign while unresolved.
	for i, p := range m.problems {
		if i == 0 {
			line += " "
		}
		line += " " + s.Header.Bad.Render("⚠ "+p.text)
	}
	return fitStyled(line, width)
}
