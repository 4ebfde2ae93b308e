package ui

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// bigWorkspace is 1,000 repositories with cached statuses on disk.
func bigWorkspace(b testing.TB) Options { return workspaceOf(b, 1000) }

// workspaceOf is n repositories with cached statuses on disk.
func workspaceOf(b testing.TB, n int) Options {
	root := "/ws"
	var repos []workspace.Repo
	entries := map[string]state.Entry{}
	for i := range n {
		id := fmt.Sprintf("github.com/org%02d/repo-%04d", i%20, i)
		repos = append(repos, workspace.Repo{Path: filepath.Join(root, id), Rel: id, Kind: workspace.KindRepo})
		entries[id] = state.Entry{Status: &git.Status{Branch: "main", Upstream: "origin/main", Behind: i % 3, Unstaged: i % 5,
			Head: git.Commit{SHA: "0123456789abcdef", Subject: fmt.Sprintf("commit %d", i), Time: testNow.Add(-time.Duration(i) * time.Hour)}}, Checked: testNow}
	}
	store := state.Open(b.TempDir(), zerolog.Nop())
	if err := store.Save(root, entries); err != nil {
		b.Fatal(err)
	}
	opt := fixture(b)
	opt.Root, opt.Repos, opt.State, opt.Remote = root, repos, store, nil
	return opt
}

// BenchmarkFirstPaint1000 builds the model from 1,000 cached statuses
// (reading the cache file included) and renders the first frame.
func BenchmarkFirstPaint1000(b *testing.B) {
	opt := bigWorkspace(b)
	b.ReportAllocs()
	for b.Loop() {
		m, _ := newTestModel(b, opt, 200, 60)
		if len(m.View().Content) == 0 {
			b.Fatal("empty view")
		}
	}
}

func busyModel(b *testing.B) model {
	m, _ := newTestModel(b, bigWorkspace(b), 200, 60)
	m.runs["r1"] = runInfo{op: engine.OpStatus, repos: 1000}
	batch := eventsMsg{}
	for i, r := range m.table.Index().Rows() {
		batch = append(batch, engine.OpQueued{Meta: meta("r1", r.ID, uint64(i)), Op: engine.OpStatus})
		if i%2 == 0 {
			batch = append(batch, engine.OpStarted{Meta: meta("r1", r.ID, uint64(i)), Op: engine.OpStatus, Attempt: 1})
		}
	}
	return update(b, m, batch)
}

// BenchmarkUpdateKeyWhileBusy is one key press (and the frame after it)
// while 1,000 rows are busy.
func BenchmarkUpdateKeyWhileBusy(b *testing.B) {
	m := busyModel(b)
	if m.table.Stats().Busy != 1000 {
		b.Fatalf("busy = %d", m.table.Stats().Busy)
	}
	down, up := press("j"), press("k")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2 == 1 {
			k = up
		}
		i++
		next, _ := m.Update(k)
		m = next.(model)
		_ = m.View()
	}
}

// BenchmarkEventBatch applies a batch of 256 finished status checks and
// renders, as the re-armed command delivers them.
func BenchmarkEventBatch(b *testing.B) {
	m := busyModel(b)
	rows := m.table.Index().Rows()
	batch := make(eventsMsg, 0, 256)
	for i := range 256 {
		r := rows[i*3%len(rows)]
		st := *r.Status
		batch = append(batch, engine.OpFinished{Meta: meta("r1", r.ID, uint64(i)), Op: engine.OpStatus,
			Result: engine.Result{Outcome: engine.OutcomeOK, Status: &st}, Duration: time.Millisecond})
	}
	b.ReportAllocs()
	for b.Loop() {
		// Keep rows busy so every iteration does the same work.
		for _, r := range rows {
			r.Active = 1
		}
		next, _ := m.Update(batch)
		m = next.(model)
		_ = m.View()
	}
}
