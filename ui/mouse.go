package ui

import (
	tea "charm.land/bubbletea/v2"
)

// wheelStep is how many lines one turn of the wheel scrolls.
const wheelStep = 3

// tableTop is the screen line of the table's heading: the header takes
// the first line.
const tableTop = 1

// mouse scrolls the table or the pager with the wheel, and moves the
// cursor to the row clicked. Nothing else takes the mouse: a dialog or
// prompt keeps the keyboard's focus.
func (m *model) mouse(msg tea.Msg) {
	if m.confirm.Active() || m.prompt.Active() {
		return
	}
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		step := 0
		switch msg.Button {
		case tea.MouseWheelUp:
			step = -wheelStep
		case tea.MouseWheelDown:
			step = wheelStep
		}
		switch m.mode {
		case modeTable:
			m.table.Move(step)
		case modePager:
			m.git.pager.Scroll(step)
		}
	case tea.MouseClickMsg:
		if m.mode == modeTable && msg.Button == tea.MouseLeft {
			// The heading is the table's first line; rows follow.
			m.table.ClickLine(msg.Y - tableTop - 1)
		}
	}
}
