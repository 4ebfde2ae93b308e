package header

import (
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/styles"
)

// The engine's network concurrency shows while work runs, and follows its
// changes: all hosts together (NetworkLimit.Total).
func TestHeaderShowsNetworkConcurrency(t *testing.T) {
	s := styles.New(false, true)
	m := New("~/src")
	now := time.Unix(1700000000, 0)
	busy := repotable.Stats{Total: 10, Shown: 10, Busy: 3}
	if v := m.View(busy, "*", now, 200, s); strings.Contains(v, "net ") {
		t.Fatalf("net shown before the engine said: %q", v)
	}
	m.Observe(engine.NetworkLimit{Host: "github.com", Limit: 4, Total: 4, Reason: engine.LimitInitial})
	m.Observe(engine.NetworkLimit{Host: "github.com", Limit: 6, Previous: 4, Total: 6, Reason: engine.LimitThroughput})
	if v := m.View(busy, "*", now, 200, s); !strings.Contains(v, "3 busy") || !strings.Contains(v, "net 6") {
		t.Fatalf("header %q, want 3 busy and net 6", v)
	}
	if v := m.View(repotable.Stats{Total: 10, Shown: 10}, "*", now, 200, s); strings.Contains(v, "net ") {
		t.Fatalf("net shown while idle: %q", v)
	}
}
