package detail

import (
	"fmt"
	"strings"

	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/styles"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// outputLines renders the output of the last command run in the
// repository (the x key) in at most half of room, so the commits and
// changed files below keep a share: its first lines, then how many more
// there are. The text is sanitized already.
func outputLines(o *repotable.Output, width, room int, s *styles.Styles) []string {
	if o == nil || room < 3 {
		return nil
	}
	title := fmt.Sprintf("command output (exit %d)", o.ExitCode)
	if o.ExitCode < 0 {
		title = "command output (did not exit on its own)"
	}
	if o.Truncated {
		title += ", truncated"
	}
	out := []string{"", s.Title.Render(title)}
	text := strings.TrimRight(o.Text, "\n")
	if text == "" {
		return append(out, s.Muted.Render("no output"))
	}
	body := strings.Split(text, "\n")
	budget := max(room/2, 3) - len(out)
	if len(body) > budget {
		more := len(body) - (budget - 1)
		body = append(body[:budget-1:budget-1], s.Muted.Render(fmt.Sprintf("… and %d more lines", more)))
	}
	for _, l := range body {
		// Tabs have no width of their own in a cell budget.
		out = append(out, termtext.Fit(strings.ReplaceAll(l, "\t", "    "), width))
	}
	return out
}
