package termtext

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Fit pads s with spaces or truncates it with "…" to exactly w cells.
// s must be plain (sanitized, unstyled) text.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	switch {
	case n == w:
		return s
	case n < w:
		return s + strings.Repeat(" ", w-n)
	}
	t := ansi.Truncate(s, w, "…")
	if d := w - ansi.StringWidth(t); d > 0 {
		t += strings.Repeat(" ", d)
	}
	return t
}

// FitLeft is Fit that keeps the end of s ("…org/repo"), for names whose
// tail matters most.
func FitLeft(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n <= w {
		return Fit(s, w)
	}
	t := ansi.TruncateLeft(s, n-w+1, "…")
	return Fit(t, w)
}

// Width is the display width of plain text.
func Width(s string) int { return ansi.StringWidth(s) }
