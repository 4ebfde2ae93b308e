package git

import (
	"fmt"
	"time"
)

// FormatDuration renders d as people read it, to the precision that
// matters at its size: "845ms", "1.2s", "42s", "3m04s", "1h02m". Every
// presenter and every engine message uses it, so a duration reads the same
// everywhere (never "845.575µs" or "3m4.019s").
func FormatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + FormatDuration(-d)
	case d < time.Millisecond:
		if d == 0 {
			return "0s"
		}
		return "<1ms"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Round(time.Millisecond)/time.Millisecond)
	case d < 10*time.Second:
		r := d.Round(100 * time.Millisecond)
		if r < 10*time.Second {
			return fmt.Sprintf("%.1fs", r.Seconds())
		}
		return "10s"
	case d < time.Minute:
		r := d.Round(time.Second)
		if r < time.Minute {
			return fmt.Sprintf("%ds", r/time.Second)
		}
		return "1m00s"
	case d < time.Hour:
		r := d.Round(time.Second)
		if r < time.Hour {
			return fmt.Sprintf("%dm%02ds", r/time.Minute, (r%time.Minute)/time.Second)
		}
		return "1h00m"
	default:
		r := d.Round(time.Minute)
		return fmt.Sprintf("%dh%02dm", r/time.Hour, (r%time.Hour)/time.Minute)
	}
}
