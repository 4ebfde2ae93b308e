package humanize

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                        "0s",
		845575 * time.Nanosecond: "<1ms",
		845*time.Millisecond + 575*time.Microsecond:         "846ms",
		1249 * time.Millisecond:                             "1.2s",
		42*time.Second + 400*time.Millisecond:               "42s",
		3*time.Minute + 4*time.Second + 19*time.Millisecond: "3m04s",
		time.Hour + 2*time.Minute + 10*time.Second:          "1h02m",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
