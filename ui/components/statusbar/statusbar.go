package statusbar

import (
	"charm.land/bubbles/v2/help"
	"github.com/charmbracelet/x/ansi"

	"github.com/mgit-dev/mgit/ui/keys"
	"github.com/mgit-dev/mgit/ui/safetext"
	"github.com/mgit-dev/mgit/ui/styles"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// Model holds the current message.
type Model struct {
	msg   string
	isErr bool
	help  help.Model
}

// New returns an empty status bar.
func New(s *styles.Styles) Model {
	h := help.New()
	h.Styles = s.Help
	return Model{help: h}
}

// SetStyles switches the look.
func (m *Model) SetStyles(s *styles.Styles) { m.help.Styles = s.Help }

// Info and Error set the message; text is sanitized here because messages
// often quote repository names and errors.
func (m *Model) Info(text string)  { m.msg, m.isErr = safetext.Sanitize(text), false }
func (m *Model) Error(text string) { m.msg, m.isErr = safetext.Sanitize(text), true }

// Message returns the current message and whether it is an error.
func (m Model) Message() (string, bool) { return m.msg, m.isErr }

// View renders the two lines at width.
func (m Model) View(width int, k keys.Map, s *styles.Styles) string {
	st := s.Status.Info
	if m.isErr {
		st = s.Status.Error
	}
	return st.Render(termtext.Fit(m.msg, width)) + "\n" + m.shortHelp(width, k)
}

// shortHelp is the one-line help at width: when every binding does not
// fit, the ones before help and quit go, last first, so that `? help`
// and `q quit` stay on any terminal wide enough for them.
func (m Model) shortHelp(width int, k keys.Map) string {
	bs := k.ShortHelp()
	for {
		line := m.help.ShortHelpView(bs)
		if ansi.StringWidth(line) <= width || len(bs) <= 2 {
			return ansi.Truncate(line, width, "…")
		}
		bs = append(bs[:len(bs)-3:len(bs)-3], bs[len(bs)-2:]...)
	}
}

// FullHelp renders the `?` view.
func (m Model) FullHelp(width int, k keys.Map) string {
	m.help.SetWidth(width)
	groups := k.FullHelp()
	if width >= 100 {
		return m.help.FullHelpView(groups)
	}
	// Narrow terminals get the columns in two bands instead of losing some.
	half := (len(groups) + 1) / 2
	return m.help.FullHelpView(groups[:half]) + "\n\n" + m.help.FullHelpView(groups[half:])
}
