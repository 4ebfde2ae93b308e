package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
)

func TestRunRejectsBadOptionsBeforeStarting(t *testing.T) {
	err := Run(context.Background(), Options{})
	if err == nil || !strings.Contains(err.Error(), "no engine") {
		t.Fatalf("no engine: %v", err)
	}
	eng := engine.New(engine.Config{})
	defer eng.Close()
	err = Run(context.Background(), Options{Engine: eng, KeyOverrides: map[string][]string{"teleport": {"t"}}})
	if err == nil || !strings.Contains(err.Error(), "unknown action") {
		t.Fatalf("bad override: %v", err)
	}
}

func TestPumpBatchesAndTracksRuns(t *testing.T) {
	ch := make(chan engine.Event, 8)
	stop := make(chan struct{})
	defer close(stop)
	p := newPump()
	go p.run(ch, stop)
	ch <- engine.OpQueued{Meta: meta("r1", "a", 1)}
	ch <- engine.OpQueued{Meta: meta("r1", "b", 2)}
	var got []engine.Event
	for len(got) < 2 {
		msg := p.waitCmd(stop)()
		batch, ok := msg.(eventsMsg)
		if !ok {
			t.Fatalf("got %T", msg)
		}
		got = append(got, batch...)
	}
	if got[0].EventMeta().Seq != 1 || got[1].EventMeta().Seq != 2 {
		t.Fatalf("order: %v", got)
	}
	done := make(chan bool)
	go func() { done <- p.waitRuns([]string{"r1"}, time.After(10*time.Second)) }()
	ch <- engine.RunFinished{Meta: meta("r1", "", 3)}
	if !<-done {
		t.Fatal("waitRuns timed out")
	}
	close(ch)
	for {
		if _, ok := p.waitCmd(stop)().(eventsClosedMsg); ok {
			break
		}
	}
}
