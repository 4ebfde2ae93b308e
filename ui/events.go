package ui

import (
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
)

// eventsMsg is a batch of engine events, in order.
type eventsMsg []engine.Event

// eventsClosedMsg says the engine closed its event stream.
type eventsClosedMsg struct{}

// pump reads the engine's event stream into a queue as fast as it comes,
// and keeps track of which runs have finished, so that Run can wait for
// the runs it cancelled even after the program stopped reading.
type pump struct {
	mu       sync.Mutex
	buf      []engine.Event
	closed   bool
	finished map[string]bool
	ready    chan struct{} // holds a token while buf is non-empty or closed
	changed  chan struct{} // closed and replaced whenever a run finishes
}

func newPump() *pump {
	return &pump{finished: map[string]bool{}, ready: make(chan struct{}, 1), changed: make(chan struct{})}
}

// run reads ch until it is closed or stop is closed.
func (p *pump) run(ch <-chan engine.Event, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case ev, ok := <-ch:
			p.mu.Lock()
			if !ok {
				p.closed = true
			} else {
				p.buf = append(p.buf, ev)
				if rf, isRF := ev.(engine.RunFinished); isRF {
					p.finished[rf.RunID] = true
					close(p.changed)
					p.changed = make(chan struct{})
				}
			}
			p.mu.Unlock()
			select {
			case p.ready <- struct{}{}:
			default:
			}
			if !ok {
				return
			}
		}
	}
}

// take returns everything queued.
func (p *pump) take() ([]engine.Event, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buf
	p.buf = nil
	return b, p.closed
}

// waitCmd is the one re-armed command: it returns the next batch.
func (p *pump) waitCmd(stop <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		for {
			b, closed := p.take()
			switch {
			case len(b) > 0:
				return eventsMsg(b)
			case closed:
				return eventsClosedMsg{}
			}
			select {
			case <-p.ready:
			case <-stop:
				return nil
			}
		}
	}
}

// waitRuns blocks until every run in ids has finished, the stream closed,
// or done is closed.
func (p *pump) waitRuns(ids []string, done <-chan time.Time) bool {
	for {
		p.mu.Lock()
		all := true
		for _, id := range ids {
			all = all && p.finished[id]
		}
		closed, changed := p.closed, p.changed
		p.mu.Unlock()
		if all || closed {
			return true
		}
		select {
		case <-changed:
		case <-done:
			return false
		}
	}
}
