package headless

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

// ANSI styles, used only when Options.Decorate is set.
const (
	styleReset  = "\x1b[0m"
	styleBold   = "\x1b[1m"
	styleDim    = "\x1b[2m"
	styleRed    = "\x1b[31m"
	styleGreen  = "\x1b[32m"
	styleYellow = "\x1b[33m"
)

// maxSubject bounds the commit subject in the status table so rows stay on
// one line in an ordinary terminal.
const maxSubject = 60

type statusRow struct {
	path string
	ev   engine.OpFinished
}

type textSink struct {
	w        io.Writer
	opt      Options
	now      func() time.Time
	op       engine.Op
	rows     []statusRow // status table, printed when the run finishes
	firstErr error
}

func newTextSink(w io.Writer, opt Options, now func() time.Time) *textSink {
	return &textSink{w: w, opt: opt, now: now}
}

func (s *textSink) err() error { return s.firstErr }

func (s *textSink) printf(format string, args ...any) {
	if s.firstErr != nil {
		return
	}
	_, s.firstErr = fmt.Fprintf(s.w, format, args...)
}

func (s *textSink) style(code, text string) string {
	if !s.opt.Decorate || text == "" {
		return text
	}
	return code + text + styleReset
}

func (s *textSink) opFinished(ev engine.OpFinished, path, kind string) {
	s.op = ev.Op
	if kind != "" && kind != "repo" {
		// A linked worktree or a submodule is not a clone of its own:
		// say so beside its path.
		path += " (" + kind + ")"
	}
	if ev.Op == engine.OpExec {
		s.execFinished(ev, Sanitize(path))
		return
	}
	if s.opt.StatusTable && ev.Op == engine.OpStatus {
		s.rows = append(s.rows, statusRow{path: Sanitize(path), ev: ev})
		return
	}
	s.opLine(ev, Sanitize(path))
}

// opLine prints one finished operation: "ok   path  detail",
// "skip path  detail" or "FAIL path  error — hint".
func (s *textSink) opLine(ev engine.OpFinished, path string) {
	switch ev.Result.Outcome {
	case engine.OutcomeOK:
		s.printf("%s %s%s\n", s.style(styleGreen, "ok  "), path, suffix(Sanitize(ev.Result.Detail)))
	case engine.OutcomeSkipped:
		s.printf("%s %s%s\n", s.style(styleDim, "skip"), path, suffix(Sanitize(ev.Result.Detail)))
	default:
		msg := errorText(ev.Err)
		if msg == "" {
			msg = Sanitize(ev.Result.Detail)
		}
		if hint := git.Hint(ev.Err); hint != "" {
			msg += " — " + hint
		}
		s.printf("%s %s%s\n", s.style(styleRed, "FAIL"), path, suffix(msg))
	}
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return "  " + s
}

func (s *textSink) runFinished(res Result, _ string) {
	sum := res.Summary
	if s.opt.StatusTable {
		s.statusTable(res)
		return
	}
	if sum.OK+sum.Failed+sum.Skipped == 0 && !sum.Interrupted {
		s.printf("no repositories found\n")
		return
	}
	op := string(s.op)
	if op == "" {
		op = "run"
	}
	line := fmt.Sprintf("%s: %d ok, %d failed, %d skipped in %s", op, sum.OK, sum.Failed, sum.Skipped, round(sum.Duration))
	if sum.Interrupted {
		line += " (interrupted)"
	}
	s.printf("%s\n", line)
}

// statusTable prints the repositories that need attention (all with
// Options.All) sorted by path, the failures, and a summary line.
func (s *textSink) statusTable(res Result) {
	sort.Slice(s.rows, func(i, j int) bool { return s.rows[i].path < s.rows[j].path })
	var table [][]string
	var states []string
	var failed []statusRow
	attention := 0
	for _, r := range s.rows {
		st := r.ev.Result.Status
		if st == nil {
			failed = append(failed, r)
			continue
		}
		if st.NeedsAttention() {
			attention++
		} else if !s.opt.All {
			continue
		}
		table = append(table, s.statusCells(r.path, st))
		states = append(states, st.State())
	}
	if len(table) > 0 {
		s.printTable([]string{"PATH", "BRANCH", "STATE", "↑↓", "CHANGES", "STASH", "LAST COMMIT"}, table, states)
	}
	for _, r := range failed {
		s.opLine(r.ev, r.path)
	}

	sum := res.Summary
	n := len(s.rows)
	line := fmt.Sprintf("%d %s", n, plural(n, "repository", "repositories"))
	switch {
	case n == 0 && !sum.Interrupted:
		s.printf("no repositories found\n")
		return
	case n == 0:
		line = "no repositories"
	case attention == 0 && len(failed) == 0:
		line += ", all clean"
	default:
		line += fmt.Sprintf(", %d %s attention", attention, plural(attention, "needs", "need"))
	}
	if res.Dirty > 0 {
		line += fmt.Sprintf(", %d dirty", res.Dirty)
	}
	if len(failed) > 0 || sum.Failed > 0 {
		line += fmt.Sprintf(", %d failed", sum.Failed)
	}
	line += " in " + round(sum.Duration)
	if sum.Interrupted {
		line += " (interrupted)"
	}
	s.printf("%s\n", line)
}

func (s *textSink) statusCells(path string, st *git.Status) []string {
	branch := Sanitize(st.Branch)
	if st.Detached {
		branch = "(detached " + short(Sanitize(st.Head.SHA)) + ")"
	}
	if branch == "" {
		branch = "-"
	}
	sync := "-"
	if st.Upstream != "" && !st.UpstreamGone {
		switch {
		case st.AheadBehindCapped:
			sync = "≠" // differs, not counted
		case st.Ahead == 0 && st.Behind == 0:
			sync = "="
		case st.Behind == 0:
			sync = "↑" + strconv.Itoa(st.Ahead)
		case st.Ahead == 0:
			sync = "↓" + strconv.Itoa(st.Behind)
		default:
			sync = "↑" + strconv.Itoa(st.Ahead) + " ↓" + strconv.Itoa(st.Behind)
		}
	}
	stash := "-"
	if st.Stash > 0 {
		stash = strconv.Itoa(st.Stash)
	}
	last := "-"
	if !st.NoCommits && st.Head.SHA != "" {
		last = Age(s.now().Sub(st.Head.Time)) + "  " + truncate(Sanitize(st.Head.Subject), maxSubject)
	}
	return []string{path, branch, st.State(), sync, Changes(*st), stash, last}
}

// Changes renders the work-tree counts compactly: "+staged ~unstaged
// ?untracked !conflicts", only the non-zero ones; "-" when clean.
func Changes(st git.Status) string {
	var parts []string
	for _, c := range []struct {
		sign string
		n    int
	}{{"+", st.Staged}, {"~", st.Unstaged}, {"?", st.Untracked}, {"!", st.Conflicts}} {
		if c.n > 0 {
			parts = append(parts, c.sign+strconv.Itoa(c.n))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// printTable pads columns to their widest cell (in runes) and colours the
// STATE column when decorating. The last column is not padded.
func (s *textSink) printTable(header []string, rows [][]string, states []string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string, colour func(i int, c string) string) string {
		var b strings.Builder
		for i, c := range cells {
			pad := ""
			if i < len(cells)-1 {
				pad = strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2)
			}
			b.WriteString(colour(i, c))
			b.WriteString(pad)
		}
		return strings.TrimRight(b.String(), " ")
	}
	s.printf("%s\n", line(header, func(_ int, c string) string { return s.style(styleBold, c) }))
	for k, r := range rows {
		s.printf("%s\n", line(r, func(i int, c string) string {
			if i != 2 {
				return c
			}
			return s.style(stateStyle(states[k]), c)
		}))
	}
}

func stateStyle(state string) string {
	switch state {
	case "clean":
		return styleGreen
	case "conflict", "dirty", "diverged", "out-of-sync":
		return styleRed
	case "ahead", "behind":
		return styleYellow
	}
	return styleDim
}

// Age renders a duration as a short age: "now", "5m", "3h", "4d", "2mo",
// "1y". The dashboard's table uses it too, so both presenters agree.
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

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// round shortens a duration for the summary line.
func round(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return d.String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}
