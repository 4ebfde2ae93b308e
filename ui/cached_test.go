package ui

import (
	"testing"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/state"
)

// Entries the caller read already (app reads the cache while it discovers
// the workspace) paint the rows; State is not read again.
func TestFirstPaintFromCachedEntries(t *testing.T) {
	opt := fixture(t)
	cached := opt.State.Load(opt.Root)
	if len(cached) == 0 {
		t.Fatal("fixture saved no entries")
	}
	opt.State = state.Open(t.TempDir(), zerolog.Nop()) // an empty cache
	opt.Cached = cached
	m, _ := newTestModel(t, opt, 200, 40)
	painted := 0
	for _, r := range m.table.Index().Rows() {
		if r.Status != nil {
			painted++
		}
	}
	if painted != len(cached) {
		t.Fatalf("%d rows painted from Cached, want %d", painted, len(cached))
	}
}
