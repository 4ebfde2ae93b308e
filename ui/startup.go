package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// The dashboard's start is in two halves. Before the first frame: the
// rows, from the state cache or from discovery, and nothing else. After
// it, one step after the other, so that none competes with the first
// frame (or with the next step) for the machine's cores:
//
//  1. discovery, when the first frame was painted from the cache
//     (Options.PaintFromCache); its result reconciles the rows;
//  2. the watcher's baseline: one sweep of every repository's git
//     directory, which later sweeps are compared with;
//  3. the status of every row (startMsg).
//
// The baseline comes before the status is read: an edit between the two
// is then either in the status read or a change against the baseline. In
// the other order an edit after the read and before the baseline would be
// in neither, and the row would show the old status until the periodic
// refresh. At 10,000 repositories discovery and the baseline are each
// 0.13-0.2 s of CPU; done beside the first frame on a 2-core machine they
// doubled its CPU.

// paintedMsg says the first frame is on the screen.
type paintedMsg struct{}

// firstFrameWait is how long after the first frame with rows was made
// the deferred start begins. bubbletea draws a view on its next render
// tick (60 a second), so the frame is on the screen within a tick; the
// wait leaves a loaded machine a few ticks more to schedule that flush.
// bubbletea tells no one when it has written a frame, and wrapping its
// output to find out would hand the programs it suspends for (the shell,
// the editor) a pipe instead of the terminal.
const firstFrameWait = 50 * time.Millisecond

// sized is the first frame's size arriving: the first frame with rows is
// made now, so the deferred start is armed (once), when there is one.
func (m *model) sized() tea.Cmd {
	if m.live.armed || !(m.deps.refresh || m.live.discoverFirst) {
		return nil
	}
	m.live.armed = true
	return tea.Tick(firstFrameWait, func(time.Time) tea.Msg { return paintedMsg{} })
}

// afterFirstFrame starts the deferred half of the start: discovery when
// the rows came from the cache, else the baseline and the status.
func (m *model) afterFirstFrame() tea.Cmd {
	if m.live.discoverFirst {
		return m.live.discoverCmd(&m.deps)
	}
	return m.baselineCmd()
}

// baselineCmd takes the watcher's baseline of the rows as they are now,
// starts its sweeps, and only then asks for the status of every row
// (startMsg). Without a watcher it asks at once.
func (m *model) baselineCmd() tea.Cmd {
	w, stop := m.deps.watch, m.deps.stop
	w.follow(m.table.Index().Rows())
	return func() tea.Msg {
		w.start(stop)
		return startMsg{}
	}
}
