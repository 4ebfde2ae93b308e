package headless

import (
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// TerminalWidth is the width text tables fit in when written to w: COLUMNS
// when it holds a positive number (set by the user, or by a program such
// as watch(1) that runs mgit on a pipe for a terminal of that size), else
// the width of the terminal w is, else 0 — no limit, so a pipe, a file or a
// CI log gets every row in full. A writer that wraps another (the
// redacting writer) is looked through by its Unwrap() io.Writer method.
func TerminalWidth(w io.Writer, getenv func(string) string) int {
	if n, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	for {
		u, ok := w.(interface{ Unwrap() io.Writer })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 0
	}
	return width
}
