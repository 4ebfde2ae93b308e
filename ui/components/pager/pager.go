package pager

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/styles"
)

// Model is one pane: what it shows (Kind, of RepoID), whether its content
// is still being read, and the viewport over the lines.
type Model struct {
	Kind   string // "log" or "diff"
	RepoID string
	// Req numbers the request that fills the pane, so that the answer to
	// a superseded one (the user closed the pane and opened another) is
	// dropped.
	Req     int
	loading bool
	err     string
	empty   string
	vp      viewport.Model
	width   int
}

// New returns an empty pager.
func New() Model { return Model{vp: viewport.New()} }

// Open starts showing kind for the repository id, loading until Fill or
// Fail; empty is what is shown when the content has no line.
func (m *Model) Open(kind, id, empty string) {
	m.Req++
	m.Kind, m.RepoID, m.empty = kind, id, empty
	m.loading, m.err = true, ""
	m.vp.SetContentLines(nil)
	m.vp.GotoTop()
}

// Fill sets the lines, which the caller has sanitized.
func (m *Model) Fill(lines []string) {
	m.loading, m.err = false, ""
	m.vp.SetContentLines(lines)
	m.vp.GotoTop()
}

// Fail shows why there is nothing to show.
func (m *Model) Fail(err string) {
	m.loading, m.err = false, err
	m.vp.SetContentLines(nil)
}

// Loading reports whether the content is still being read.
func (m *Model) Loading() bool { return m.loading }

// SetSize gives the pane w×h cells; the title takes one line.
func (m *Model) SetSize(w, h int) {
	m.width = w
	m.vp.SetWidth(w)
	m.vp.SetHeight(max(h-1, 1))
}

// Scroll moves the view by n lines (negative is up).
func (m *Model) Scroll(n int) {
	if n < 0 {
		m.vp.ScrollUp(-n)
	} else {
		m.vp.ScrollDown(n)
	}
}

// Update scrolls for the movement keys; closed is true for the keys that
// leave the pane (back, quit, and the keys that open a pane).
func (m Model) Update(msg tea.KeyPressMsg, k keys.Map) (Model, bool) {
	switch {
	case key.Matches(msg, k.Back, k.Quit, k.Log, k.Diff):
		return m, true
	case key.Matches(msg, k.Up):
		m.vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		m.vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		m.vp.PageUp()
	case key.Matches(msg, k.PageDown, k.Select):
		m.vp.PageDown()
	case key.Matches(msg, k.Top):
		m.vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		m.vp.GotoBottom()
	}
	return m, false
}

// View is the title line and the visible lines.
func (m Model) View(s *styles.Styles) string {
	title := s.Title.Render(m.Kind+" · "+m.RepoID) + " "
	var body string
	switch {
	case m.loading:
		body = s.Muted.Render("reading…")
	case m.err != "":
		body = s.Detail.Error.Render(m.err)
	case m.vp.TotalLineCount() == 0:
		body = s.Muted.Render(m.empty)
	default:
		title += s.Muted.Render(fmt.Sprintf("%d lines · %d%%", m.vp.TotalLineCount(), int(m.vp.ScrollPercent()*100)))
		body = m.vp.View()
	}
	return strings.TrimRight(title, " ") + "\n" + body
}
