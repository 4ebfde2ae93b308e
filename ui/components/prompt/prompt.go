package prompt

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/styles"
)

// Model is an open or closed prompt.
type Model struct {
	in       textinput.Model
	question string
	intent   any
}

// Open asks question; intent comes back with the answer. The returned
// command starts the cursor blinking.
func Open(question, placeholder string, intent any, s *styles.Styles) (Model, tea.Cmd) {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	in.CharLimit = 200
	st := in.Styles()
	st.Focused.Prompt, st.Focused.Text = s.Filter.Prompt, s.Filter.Text
	in.SetStyles(st)
	cmd := in.Focus()
	return Model{in: in, question: question, intent: intent}, cmd
}

// Active reports whether the prompt takes keys.
func (m Model) Active() bool { return m.in.Focused() }

// Update handles a key while the prompt is open. done is true once it is
// answered (enter with text) or abandoned (esc, ctrl+c: answer "").
func (m Model) Update(msg tea.KeyPressMsg, k keys.Map) (_ Model, done bool, answer string, intent any, cmd tea.Cmd) {
	switch {
	case key.Matches(msg, k.Back), key.Matches(msg, k.Interrupt):
		return Model{}, true, "", nil, nil
	case msg.String() == "enter":
		v := strings.TrimSpace(m.in.Value())
		if v == "" {
			return m, false, "", nil, nil
		}
		return Model{}, true, v, m.intent, nil
	}
	m.in, cmd = m.in.Update(msg)
	return m, false, "", nil, cmd
}

// View renders the question and the input in a box centred in the body.
func (m Model) View(width int, k keys.Map, s *styles.Styles) string {
	w := min(max(width-4, 20), 60)
	m.in.SetWidth(max(w-6, 1))
	body := m.question + "\n\n" + m.in.View() + "\n\n" + s.Bold.Render("enter") + " continue   " +
		s.Bold.Render(k.Back.Help().Key) + " cancel"
	return s.Dialog.Width(w).Render(body)
}
