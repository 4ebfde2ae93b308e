package ui

import (
	"math"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/ui/components/repotable"
)

// DefaultSaveEvery is the most often the last-known-state cache is
// written while results arrive.
const DefaultSaveEvery = 3 * time.Second

// persistMsg is the debounce timer firing (written == false) or a write
// finishing (written == true).
type persistMsg struct {
	written bool
}

// persistState is the model's side of the debounced save: whether rows
// changed since the last snapshot, and whether a timer or a write is out.
type persistState struct {
	dirty, timer, writing bool
	gen                   uint64 // snapshots taken
}

// saver writes snapshots of the rows to the state cache, one at a time and
// never an older one over a newer: the debounced writes run in commands,
// and the final write on exit must not be overtaken by one still going.
type saver struct {
	store *state.Store
	root  string
	log   zerolog.Logger

	mu      sync.Mutex
	written uint64 // generation of the newest snapshot written
}

// finalGen is the generation of the snapshot written on exit: nothing
// taken before it may replace it.
const finalGen = math.MaxUint64

func newSaver(store *state.Store, root string, log zerolog.Logger) *saver {
	if store == nil {
		return nil
	}
	return &saver{store: store, root: root, log: log}
}

// save writes entries unless a newer snapshot was written already.
func (s *saver) save(gen uint64, entries map[string]state.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen <= s.written {
		return
	}
	s.written = gen
	if err := s.store.Save(s.root, entries); err != nil {
		s.log.Warn().Err(err).Msg("save dashboard state")
	}
}

// snapshot is what the cache keeps of rows, copied so that the writer
// shares nothing with Update.
func snapshot(rows []*repotable.Row) map[string]state.Entry {
	out := make(map[string]state.Entry, len(rows))
	for _, r := range rows {
		// A discovered repository is kept with its place, status or
		// not, so that the next start paints its row before discovery.
		placed := r.Cloned && r.Kind != ""
		if r.Status == nil && r.Last == nil && !placed {
			continue
		}
		e := r.Entry()
		if placed {
			e.Path, e.Kind = r.Path, r.Kind
		}
		if e.Status != nil {
			st := *e.Status
			e.Status = &st
		}
		if e.Last != nil {
			l := *e.Last
			e.Last = &l
		}
		out[r.ID] = e
	}
	return out
}

// changed marks the rows changed and arms the debounce timer (every; no
// timer without a saver sv).
func (p *persistState) changed(sv *saver, every time.Duration) tea.Cmd {
	p.dirty = true
	return p.arm(sv, every)
}

// arm arms the timer unless one or a write is out (the write re-arms it
// when done) or there is nothing to write.
func (p *persistState) arm(sv *saver, every time.Duration) tea.Cmd {
	if sv == nil || !p.dirty || p.timer || p.writing {
		return nil
	}
	p.timer = true
	return tea.Tick(every, func(time.Time) tea.Msg { return persistMsg{} })
}

// update takes a snapshot of rows when the timer fires and writes it in
// a command; when a write finishes it re-arms the timer for what changed
// meanwhile.
func (p *persistState) update(msg persistMsg, sv *saver, every time.Duration, rows []*repotable.Row) tea.Cmd {
	if msg.written {
		p.writing = false
		return p.arm(sv, every)
	}
	p.timer = false
	if !p.dirty {
		return nil
	}
	p.gen++
	p.dirty, p.writing = false, true
	gen, entries := p.gen, snapshot(rows)
	return func() tea.Msg {
		sv.save(gen, entries)
		return persistMsg{written: true}
	}
}
