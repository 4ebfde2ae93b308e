package header

import "github.com/charmbracelet/x/ansi"

// fitStyled truncates a styled line to width cells.
func fitStyled(s string, width int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}
