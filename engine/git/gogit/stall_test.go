package gogit

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStallWatcherEndsWithThePack: once the whole pack has landed (a new
// pack-*.pack), nothing after it — go-git's checkout of a large tree — is
// taken for a stall, however long it takes.
func TestStallWatcherEndsWithThePack(t *testing.T) {
	dir := t.TempDir()
	ctx, stop := watchStall(context.Background(), dir, 50*time.Millisecond)
	defer stop()
	if err := os.WriteFile(filepath.Join(dir, "pack-0123.pack"), make([]byte, 10), 0o644); err != nil {
		t.Fatal(err)
	}
	// Long past the window: the watcher must have ended without firing.
	// The context only ends by stop; wait for the watcher's verdict by
	// watching a second one that has no pack and must fire.
	ctx2, stop2 := watchStall(context.Background(), t.TempDir(), 50*time.Millisecond)
	defer stop2()
	<-ctx2.Done()
	if !errors.Is(context.Cause(ctx2), errStalled) {
		t.Fatalf("watcher without a pack ended with %v", context.Cause(ctx2))
	}
	select {
	case <-ctx.Done():
		t.Fatalf("watcher fired after the pack was complete: %v", context.Cause(ctx))
	default:
	}
}
