package humanize

import (
	"fmt"
	"strconv"
	"time"

	"github.com/rivo/uniseg"
)

// shortSHA is the length of an abbreviated object name, git's default.
const shortSHA = 7

// SHA abbreviates an object name to git's default seven characters.
func SHA(sha string) string {
	if len(sha) > shortSHA {
		return sha[:shortSHA]
	}
	return sha
}

// Ellipsis ends text that Truncate cut.
const Ellipsis = "…"

// Truncate returns s if it fits in width terminal columns, else its
// longest prefix of whole grapheme clusters that fits in width-1 columns
// followed by Ellipsis (one column): the result never exceeds width, never
// splits a rune or a cluster (an accent from its letter, a flag, a ZWJ
// emoji), and counts wide characters (CJK, emoji) as two columns. A width
// below 1 gives "".
func Truncate(s string, width int) string {
	if width < 1 {
		return ""
	}
	if uniseg.StringWidth(s) <= width {
		return s
	}
	used, end := 0, 0
	state := -1
	rest := s
	for rest != "" {
		var cluster string
		var w int
		cluster, rest, w, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if used+w > width-1 {
			break
		}
		used += w
		end += len(cluster)
	}
	return s[:end] + Ellipsis
}

// Plural returns one when n is 1, else many: Plural(n, "repository",
// "repositories").
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Age renders a duration as a short age: "now", "5m", "3h", "4d", "2mo",
// "1y". The dashboard's table and detail pane and the headless output all
// use it, so a commit has one age wherever it is shown.
func Age(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < day:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d < 60*day:
		return strconv.Itoa(int(d/day)) + "d"
	case d < 365*day:
		return strconv.Itoa(int(d/(30*day))) + "mo"
	default:
		return strconv.Itoa(int(d/(365*day))) + "y"
	}
}

// Ago is Age as a phrase: "just now", "5m ago", "3y ago".
func Ago(d time.Duration) string {
	if a := Age(d); a != "now" {
		return a + " ago"
	}
	return "just now"
}

// Duration renders d as people read it, to the precision that
// matters at its size: "845ms", "1.2s", "42s", "3m04s", "1h02m". Every
// presenter and every engine message uses it, so a duration reads the same
// everywhere (never "845.575µs" or "3m4.019s").
func Duration(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + Duration(-d)
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
