package ui

import (
	"runtime"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// maxRowBytes bounds the heap the dashboard keeps per row once every row
// has been refreshed twice with keys between (issue 15: the dashboard at
// 10,000 repositories under 128 MiB of peak RSS). Measured on 2026-12-02
// with the test's own refresh feed counted: 1,550 bytes a row at 10,000
// rows, 1,740 at 2,000; the bound leaves room for a field or two, not for
// a second copy of every status or of every row's strings.
const maxRowBytes = 3 << 10

// TestRetainedBytesPerRow: the heap the dashboard retains at n rows after
// two rounds of refresh events, divided by n, stays under maxRowBytes.
// 2,000 rows in the quick tier, issue 15's 10,000 in the full tier
// (.ci/run's step without the race detector, whose shadow memory would
// swamp the figure).
func TestRetainedBytesPerRow(t *testing.T) {
	if gittest.RaceEnabled {
		t.Skip("the race detector's shadow memory swamps the heap figure")
	}
	n := gittest.Sample(scaleRepos, 2000, 500)
	before := heapInUse()
	m, feed := scaleModel(t, n)
	feed.chunk = max(n/50, 1)
	for i := range 2 * (n/feed.chunk + 1) {
		m = step(m, feed.batch())
		m = step(m, press(keyScript[i%len(keyScript)]))
	}
	if st := m.table.Stats(); st.Total != n {
		t.Fatalf("rows = %d, want %d", st.Total, n)
	}
	after := heapInUse()
	runtime.KeepAlive(m)
	runtime.KeepAlive(feed)
	per := (int64(after) - int64(before)) / int64(n)
	t.Logf("%d rows: %d bytes of heap a row (with the test's refresh feed)", n, per)
	if per > maxRowBytes {
		t.Fatalf("%d rows retain %d bytes of heap a row; the bound is %d", n, per, maxRowBytes)
	}
}

// heapInUse is the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}
