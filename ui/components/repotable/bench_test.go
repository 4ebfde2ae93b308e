package repotable

import (
	"fmt"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/ui/styles"
)

// benchRows is the workspace size of issue 11's target.
const benchRows = 10_000

// benchTable is benchRows cloned rows with statuses like a real
// workspace's, sized like a large terminal (200×60).
func benchTable(b *testing.B) *Model {
	b.Helper()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m := New(styles.New(true, false), func() time.Time { return now })
	rows := make([]*Row, benchRows)
	for i := range rows {
		r := NewRow(fmt.Sprintf("github.com/org%02d/repo-%05d", i%20, i), "/ws", "")
		r.Cloned = true
		r.Status = &git.Status{Branch: "main", Upstream: "origin/main", Behind: i % 3, Unstaged: i % 5,
			Head: git.Commit{SHA: "0123456789abcdef", Subject: fmt.Sprintf("commit %d", i), Time: now.Add(-time.Duration(i) * time.Hour)}}
		rows[i] = r
	}
	m.Add(rows...)
	m.SetSize(200, 60)
	return &m
}

// BenchmarkView10000 is one frame of the table in the middle of 10,000
// rows: the heading and a screen of rows, whatever the row count.
func BenchmarkView10000(b *testing.B) {
	m := benchTable(b)
	m.Move(benchRows / 2)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkKeyMove10000 is the table's share of a cursor key: move one
// row and draw the frame.
func BenchmarkKeyMove10000(b *testing.B) {
	m := benchTable(b)
	m.Move(benchRows / 2)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Move(1 - 2*(i%2))
		_ = m.View()
		i++
	}
}

// BenchmarkRefresh10000 is the refresh after a batch of events changed
// 200 rows' statuses, in attention order with a filter on: the order
// kept between refreshes is mostly in place, and every row is filtered.
func BenchmarkRefresh10000(b *testing.B) {
	m := benchTable(b)
	m.CycleSort() // attention
	m.SetFilter("main")
	rows := m.Rows()
	j := 0
	b.ReportAllocs()
	for b.Loop() {
		for range 200 {
			r := rows[j%len(rows)]
			st := *r.Status
			st.Behind = (st.Behind + 1) % 3
			r.Status = &st
			j += 37
		}
		m.Refresh()
	}
}

// BenchmarkSelectTargets10000 selects every shown row, lists the
// targets, and clears the selection again.
func BenchmarkSelectTargets10000(b *testing.B) {
	m := benchTable(b)
	b.ReportAllocs()
	for b.Loop() {
		m.SelectAllShown()
		if len(m.Targets()) != benchRows {
			b.Fatal("targets are not every row")
		}
		m.SelectAllShown()
	}
}
