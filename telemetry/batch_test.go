package telemetry

import (
	"context"
	"testing"
	"time"
)

// exportTo is an export func handing each batch's span names to a channel.
func exportTo(ch chan<- []string) func(context.Context, []SpanData) {
	return func(_ context.Context, spans []SpanData) {
		var names []string
		for _, s := range spans {
			names = append(names, s.Name)
		}
		ch <- names
	}
}

// TestBatcherSendsFullBatch: a full batch leaves at once, not after the
// delay (an hour here) or at shutdown.
func TestBatcherSendsFullBatch(t *testing.T) {
	got := make(chan []string, 4)
	b := newBatcher(exportTo(got), 16, 3, time.Hour)
	for _, n := range []string{"a", "b", "c", "d"} {
		b.add(SpanData{Name: n})
	}
	if batch := <-got; len(batch) != 3 || batch[0] != "a" || batch[2] != "c" {
		t.Errorf("first batch %v, want [a b c]", batch)
	}
	if err := b.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if batch := <-got; len(batch) != 1 || batch[0] != "d" {
		t.Errorf("batch at shutdown %v, want [d]", batch)
	}
}

// TestBatcherDropsWhenFull: while the exporter is stuck, spans beyond the
// queue are dropped rather than blocking the code that ends them; what was
// queued still leaves at shutdown.
func TestBatcherDropsWhenFull(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var exported []string
	b := newBatcher(func(_ context.Context, spans []SpanData) {
		if len(exported) == 0 {
			close(started)
			<-release
		}
		for _, s := range spans {
			exported = append(exported, s.Name)
		}
	}, 1, 1, time.Hour)
	b.add(SpanData{Name: "a"})
	<-started // the worker holds "a" and is stuck in export
	b.add(SpanData{Name: "b"})
	b.add(SpanData{Name: "c"}) // the queue (1) is full: dropped
	close(release)
	if err := b.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(exported) != 2 || exported[0] != "a" || exported[1] != "b" {
		t.Errorf("exported %v, want [a b]", exported)
	}
}

// TestBatcherShutdownBounded: shutdown returns when its context ends even
// if the exporter does not, and a second shutdown does not panic.
func TestBatcherShutdownBounded(t *testing.T) {
	stuck := make(chan struct{})
	defer close(stuck)
	b := newBatcher(func(context.Context, []SpanData) { <-stuck }, 4, 4, time.Hour)
	b.add(SpanData{Name: "a"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.shutdown(ctx); err == nil {
		t.Error("shutdown with a stuck exporter and a cancelled context returned nil")
	}
	if err := b.shutdown(ctx); err == nil {
		t.Error("second shutdown returned nil")
	}
}
