package confirm

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/styles"
)

// Model is an open or closed dialog. Intent is whatever the caller wants
// back when the answer is yes.
type Model struct {
	open     bool
	question string
	intent   any
}

// Open asks question; intent comes back with a yes.
func Open(question string, intent any) Model {
	return Model{open: true, question: question, intent: intent}
}

// Active reports whether the dialog is shown.
func (m Model) Active() bool { return m.open }

// Update handles a key while the dialog is open. done is true once
// answered; intent is non-nil only for yes.
func (m Model) Update(msg tea.KeyPressMsg, k keys.Map) (_ Model, done bool, intent any) {
	switch {
	case key.Matches(msg, k.Yes):
		return Model{}, true, m.intent
	case key.Matches(msg, k.No), key.Matches(msg, k.Interrupt):
		return Model{}, true, nil
	}
	return m, false, nil
}

// View renders the dialog box centred in width×height.
func (m Model) View(width, height int, k keys.Map, s *styles.Styles) string {
	body := m.question + "\n\n" + s.Bold.Render(k.Yes.Help().Key) + " " + k.Yes.Help().Desc +
		"   " + s.Bold.Render(k.No.Help().Key) + " " + k.No.Help().Desc
	box := s.Dialog.Width(min(max(width-4, 20), 60)).Render(body)
	return lipgloss.Place(width, height, lipgloss.Center, lipgloss.Center, box)
}
