package filter

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/styles"
)

// Model wraps a text input.
type Model struct {
	in textinput.Model
}

// New returns a closed filter input.
func New(s *styles.Styles) Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "name, branch, state (dirty, behind, failed…)"
	in.CharLimit = 200
	m := Model{in: in}
	m.SetStyles(s)
	return m
}

// SetStyles switches the look.
func (m *Model) SetStyles(s *styles.Styles) {
	st := m.in.Styles()
	st.Focused.Prompt = s.Filter.Prompt
	st.Blurred.Prompt = s.Filter.Prompt
	st.Focused.Text = s.Filter.Text
	st.Blurred.Text = s.Filter.Text
	m.in.SetStyles(st)
}

// Editing reports whether keys go to the input.
func (m Model) Editing() bool { return m.in.Focused() }

// Value is the filter text.
func (m Model) Value() string { return m.in.Value() }

// Start focuses the input.
func (m *Model) Start() tea.Cmd { return m.in.Focus() }

// SetWidth sets the input width.
func (m *Model) SetWidth(w int) { m.in.SetWidth(max(w-2, 1)) }

// Update handles a key while editing: enter keeps the filter and stops
// editing, back (esc) clears it and stops. changed reports new text.
func (m Model) Update(msg tea.KeyPressMsg, k keys.Map) (_ Model, changed bool, cmd tea.Cmd) {
	before := m.in.Value()
	switch {
	case msg.String() == "enter":
		m.in.Blur()
		return m, false, nil
	case key.Matches(msg, k.Back):
		m.in.Reset()
		m.in.Blur()
		return m, before != "", nil
	}
	m.in, cmd = m.in.Update(msg)
	return m, m.in.Value() != before, cmd
}

// Clear empties the filter.
func (m *Model) Clear() { m.in.Reset(); m.in.Blur() }

// View renders the input line.
func (m Model) View() string { return m.in.View() }
