package detail

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/safetext"
	"github.com/mgit-dev/mgit/ui/styles"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// Inspect is what the engine's inspect operation read for the pane. Its
// strings are sanitized by whoever fills it.
type Inspect struct {
	// Loading is true while the operation runs.
	Loading bool
	// Err is the failure of the operation, if it failed.
	Err     string
	Commits []git.Commit
	Changes []git.FileChange
}

// View renders the pane for r in width×height. The row's text is already
// sanitized but for ID, Path and URL (View shows Name and sanitizes the
// others); in may be nil (nothing requested, e.g. a repository that is
// not cloned).
func View(r *repotable.Row, in *Inspect, width, height int, now time.Time, s *styles.Styles) string {
	var lines []string
	valW := max(width-13, 10)
	field := func(label, value string) {
		if value == "" {
			return
		}
		v := lipgloss.NewStyle().Width(valW).Render(value)
		lines = append(lines, lipgloss.JoinHorizontal(lipgloss.Top, s.Detail.Label.Render(label), " ", v))
	}
	// Path and URL stay raw in the row (the engine uses them); shown,
	// they are sanitized like the name.
	lines = append(lines, s.Detail.Title.Render(r.Name), "")
	field("path", safetext.Sanitize(r.Path))
	field("clone url", safetext.Sanitize(r.URL))
	field("provider", providerText(r))
	fl := rowFlags(r)
	haveLog := in != nil && len(in.Commits) > 0
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
		field("changes", fmt.Sprintf("%d staged, %d unstaged, %d untracked, %d %s; %d stashed",
			st.Staged, st.Unstaged, st.Untracked, st.Conflicts, humanize.Plural(st.Conflicts, "conflict", "conflicts"), st.Stash))
		if !st.NoCommits && !haveLog {
			sha := st.Head.SHA
			if len(sha) > 10 {
				sha = sha[:10]
			}
			field("head", sha+"  "+st.Head.Subject)
			field("", st.Head.Author+", "+humanize.Ago(now.Sub(st.Head.Time)))
		}
		if !r.Checked.IsZero() {
			field("checked", humanize.Ago(now.Sub(r.Checked)))
		}
	} else if r.Cloned {
		field("state", "not read yet")
	}
	field("flags", strings.Join(fl, ", "))
	if l := r.Last; l != nil {
		field("last op", lastOpText(l)+", "+humanize.Ago(now.Sub(l.Finished)))
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
	// Flatten multi-line fields so the height budget counts real lines.
	lines = strings.Split(strings.Join(lines, "\n"), "\n")
	lines = append(lines, outputLines(r.Output, width, height-len(lines), s)...)
	lines = append(lines, inspectLines(in, width, height-len(lines), now, s)...)
	if len(lines) > height {
		lines = lines[:height] // cut rather than let the frame scroll
	}
	return strings.Join(lines, "\n")
}

// rowFlags are the row's facts shown as flags, before the status adds
// its own.
func rowFlags(r *repotable.Row) []string {
	var fl []string
	if !r.Cloned {
		fl = append(fl, "not cloned")
	}
	switch r.Kind {
	case "worktree":
		fl = append(fl, "linked worktree")
	case "submodule":
		fl = append(fl, "submodule")
	}
	if r.Archived {
		fl = append(fl, "archived")
	}
	if r.Fork {
		fl = append(fl, "fork")
	}
	return fl
}

// lastOpText says how the last operation ended: its outcome and time, or
// that it was stopped or never started, and its attempts.
func lastOpText(l *state.OpResult) string {
	res := fmt.Sprintf("%s %s in %s", l.Op, l.Outcome, humanize.Duration(l.Duration))
	switch l.Cause {
	case string(engine.CancelStopped): // the user cancelled it
		res = fmt.Sprintf("%s stopped after %s", l.Op, humanize.Duration(l.Duration))
	case string(engine.CancelNotStarted):
		res = l.Op + " not started (cancelled)"
	}
	if l.Attempts > 1 {
		res += fmt.Sprintf(" (%d attempts)", l.Attempts)
	}
	return res
}

// inspectLines renders the commits and changed files in at most room lines:
// commits get up to half of it, files the rest.
func inspectLines(in *Inspect, width, room int, now time.Time, s *styles.Styles) []string {
	if in == nil || room < 3 {
		return nil
	}
	switch {
	case in.Loading:
		return []string{"", s.Muted.Render("reading commits and changed files…")}
	case in.Err != "":
		return []string{"", s.Detail.Error.Render(termtext.Fit("inspect failed: "+in.Err, width))}
	}
	out := []string{""}
	room--         // the blank line
	filesWant := 0 // heading + files
	if len(in.Changes) > 0 {
		filesWant = min(len(in.Changes)+1, max(room/2, 2))
	}
	if n := min(len(in.Commits), room-1-filesWant); n > 0 {
		out = append(out, s.Title.Render("recent commits"))
		for _, c := range in.Commits[:n] {
			line := fmt.Sprintf("%s %-8s %s", humanize.SHA(c.SHA), humanize.Ago(now.Sub(c.Time)), c.Subject)
			if c.Author != "" {
				line += " — " + c.Author
			}
			out = append(out, termtext.Fit(line, width))
		}
	}
	left := room - (len(out) - 1)
	switch {
	case len(in.Changes) > 0 && left >= 2:
		out = append(out, s.Title.Render(fmt.Sprintf("changed files (%d)", len(in.Changes))))
		shown := in.Changes
		if len(shown) > left-1 {
			shown = shown[:left-2] // keep a line for "… and N more"
		}
		for _, fc := range shown {
			out = append(out, termtext.Fit(changeCode(fc)+" "+fc.Path, width))
		}
		if more := len(in.Changes) - len(shown); more > 0 {
			out = append(out, s.Muted.Render(fmt.Sprintf("… and %d more", more)))
		}
	case len(in.Changes) == 0 && left >= 1:
		out = append(out, s.Muted.Render("no changed files"))
	}
	return out
}

// changeCode is a two-letter code like git status --short: index, then
// work tree.
func changeCode(fc git.FileChange) string {
	switch {
	case fc.Conflict:
		return "UU"
	case fc.Untracked:
		return "??"
	}
	code := []byte("  ")
	if fc.Staged {
		code[0] = 'M'
	}
	if fc.Unstaged {
		code[1] = 'M'
	}
	return string(code)
}

// providerText names the provider that listed r and, when others list a
// repository at the same path, those too: one directory, several
// upstreams, and the clone uses the first one's credentials.
func providerText(r *repotable.Row) string {
	p := safetext.Sanitize(r.Provider)
	if len(r.Also) == 0 {
		return p
	}
	also := make([]string, len(r.Also))
	for i, a := range r.Also {
		also[i] = safetext.Sanitize(a)
	}
	return p + " (clones it); also listed at this path by " + strings.Join(also, ", ")
}
