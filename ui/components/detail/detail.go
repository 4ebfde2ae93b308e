// Package detail is the pane Enter opens for one repository: its state,
// its head commit and the full result of its last operation, with the
// classified cause and what to do about it.
package detail

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/styles"
)

// gap says what the pane cannot show yet, so nobody mistakes its absence
// for an empty history.
const gap = "Recent commits and changed files arrive with the engine operations that read them."

// View renders the pane for r in width×height. The row's text is already
// sanitized.
func View(r *repotable.Row, width, height int, now time.Time, s *styles.Styles) string {
	var lines []string
	valW := max(width-13, 10)
	field := func(label, value string) {
		if value == "" {
			return
		}
		v := lipgloss.NewStyle().Width(valW).Render(value)
		lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, s.Detail.Label.Render(label), " ", v))
	}
	lines = append(lines, s.Detail.Title.Render(r.ID), "")
	field("path", r.Path)
	field("clone url", r.URL)
	var fl []string
	if !r.Cloned {
		fl = append(fl, "not cloned")
	}
	if r.Archived {
		fl = append(fl, "archived")
	}
	if r.Fork {
		fl = append(fl, "fork")
	}
	if st := r.Status; st != nil {
		br := st.Branch
		if st.Detached {
			br = "detached HEAD"
		}
		if st.Upstream != "" {
			br += " → " + st.Upstream
		}
		if st.UpstreamGone {
			fl = append(fl, "upstream gone")
		}
		field("branch", fmt.Sprintf("%s   ahead %d, behind %d", br, st.Ahead, st.Behind))
		field("state", st.State())
		field("changes", fmt.Sprintf("%d staged, %d unstaged, %d untracked, %d conflicts; %d stashed",
			st.Staged, st.Unstaged, st.Untracked, st.Conflicts, st.Stash))
		if !st.NoCommits {
			sha := st.Head.SHA
			if len(sha) > 10 {
				sha = sha[:10]
			}
			field("head", sha+"  "+st.Head.Subject)
			field("", st.Head.Author+", "+ago(now.Sub(st.Head.Time)))
		}
		if !r.Checked.IsZero() {
			field("checked", ago(now.Sub(r.Checked)))
		}
	} else if r.Cloned {
		field("state", "not read yet")
	}
	field("flags", strings.Join(fl, ", "))
	lines = append(lines, "")
	if l := r.Last; l != nil {
		res := fmt.Sprintf("%s %s in %s", l.Op, l.Outcome, l.Duration.Round(time.Millisecond))
		if l.Attempts > 1 {
			res += fmt.Sprintf(" (%d attempts)", l.Attempts)
		}
		field("last op", res+", "+ago(now.Sub(l.Finished)))
		field("detail", l.Detail)
		if l.Error != "" {
			lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, s.Detail.Label.Render("error"), " ",
				s.Detail.Error.Width(valW).Render(l.Error)))
			field("cause", l.Cause)
			if l.Hint != "" {
				lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, s.Detail.Label.Render("what to do"), " ",
					s.Detail.Hint.Width(valW).Render(l.Hint)))
			}
		}
	} else {
		field("last op", "none yet")
	}
	lines = append(lines, "", s.Muted.Width(width).Render(gap))
	out := strings.Join(lines, "\n")
	// Cut to the height rather than let the frame scroll.
	if ls := strings.Split(out, "\n"); len(ls) > height {
		out = strings.Join(ls[:height], "\n")
	}
	return out
}

func ago(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < day:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/day))
}
