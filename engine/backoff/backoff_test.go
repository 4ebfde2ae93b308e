package backoff

import (
	"testing"
	"time"
)

func TestDelayGrowsJittersAndIsCapped(t *testing.T) {
	base, max := 100*time.Millisecond, time.Second
	for n, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 10: time.Second, 200: time.Second} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := Delay(base, max, n)
			if d < full/2 || d > full {
				t.Fatalf("Delay(%d) = %s, want %s..%s", n, d, full/2, full)
			}
			seen[d] = true
		}
		// Jitter at the cap too: fifty draws of 500ms of nanoseconds
		// never all coincide unless the jitter is gone.
		if len(seen) < 2 {
			t.Errorf("Delay(%d) never varied: %v", n, seen)
		}
	}
	if d := Delay(0, max, 3); d != 0 {
		t.Errorf("Delay with no base = %s", d)
	}
}
