package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/ui/components/confirm"
)

// quit leaves at once when no row is busy or when interrupted (Ctrl-C
// cancels what runs); q asks first while operations other than status
// reads run.
func (m *model) quit(interrupt bool) tea.Cmd {
	// Status reads (the periodic refresh) change nothing: nothing to ask.
	if m.table.Stats().Busy == 0 || (!interrupt && !busyWriting(&m.table)) {
		// What may still run busies no row (a branch preview's dry run,
		// the detail pane's read): nothing to ask about, nor to report
		// as interrupted; cancel it so the wait on exit is short.
		if len(m.runs) > 0 {
			m.deps.cancel()
		}
		return tea.Quit
	}
	if interrupt {
		m.interrupted = true
		m.deps.cancel()
		return tea.Quit
	}
	m.confirm = confirm.Open(busyText(m.table.Stats())+"\nCancel them and quit?", quitIntent{})
	return nil
}

// act carries out a confirmed intent.
func (m *model) act(intent any) tea.Cmd {
	switch in := intent.(type) {
	case quitIntent:
		m.interrupted = true
		m.deps.cancel()
		return tea.Quit
	case cloneIntent:
		m.runner().cloneIDs(in.ids)
		return m.spin()
	case checkoutIntent:
		checkout(m.runner(), in)
		return m.spin()
	}
	return nil
}
