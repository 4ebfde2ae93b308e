package headless

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/safetext"
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
	if ev.Result.Cancelled != "" {
		// Stopped or never started by an interruption: counted in the
		// summary line, not listed one by one.
		return
	}
	if kind != "" && kind != "repo" {
		// A linked worktree or a submodule is not a clone of its own:
		// say so beside its path.
		path += " (" + kind + ")"
	}
	if ev.Op == engine.OpExec {
		s.execFinished(ev, safetext.Sanitize(path))
		return
	}
	if s.opt.StatusTable && ev.Op == engine.OpStatus {
		s.rows = append(s.rows, statusRow{path: safetext.Sanitize(path), ev: ev})
		return
	}
	s.opLine(ev, safetext.Sanitize(path))
}

// opLine prints one finished operation: "ok   path  detail",
// "skip path  detail" or "FAIL path  error — hint".
func (s *textSink) opLine(ev engine.OpFinished, path string) {
	switch ev.Result.Outcome {
	case engine.OutcomeOK:
		s.printf("%s %s%s\n", s.style(styleGreen, "ok  "), path, suffix(safetext.Sanitize(ev.Result.Detail)))
	case engine.OutcomeSkipped:
		s.printf("%s %s%s\n", s.style(styleDim, "skip"), path, suffix(safetext.Sanitize(ev.Result.Detail)))
	default:
		msg := errorText(ev.Err)
		if msg == "" {
			msg = safetext.Sanitize(ev.Result.Detail)
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
	if sum.Interrupted {
		s.printf("%s\n", interruptedLine(s.op, sum))
		return
	}
	s.printf("%s: %d ok, %d failed, %d skipped in %s\n", op, sum.OK, sum.Failed, sum.Skipped, humanize.Duration(sum.Duration))
}

// interruptedLine is the one line an interrupted run ends with: "interrupted:
// 92 cloned, 8 stopped, 900 not started in 4.2s", naming only the non-zero
// counts.
func interruptedLine(op engine.Op, sum engine.Summary) string {
	var parts []string
	for _, c := range []struct {
		n    int
		what string
	}{{sum.OK, done(op)}, {sum.Failed, "failed"}, {sum.Skipped, "skipped"}, {sum.Stopped, "stopped"}, {sum.NotStarted, "not started"}} {
		if c.n > 0 {
			parts = append(parts, strconv.Itoa(c.n)+" "+c.what)
		}
	}
	if len(parts) == 0 {
		parts = []string{"nothing done"}
	}
	return "interrupted: " + strings.Join(parts, ", ") + " in " + humanize.Duration(sum.Duration)
}

// done is what an operation that finished did, for a count: "92 cloned".
func done(op engine.Op) string {
	switch op {
	case engine.OpClone:
		return "cloned"
	case engine.OpFetch:
		return "fetched"
	case engine.OpPull:
		return "pulled"
	case engine.OpStatus:
		return "read"
	case engine.OpCheckout:
		return "checked out"
	}
	return "done"
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
		s.printTable(table, states)
	}
	for _, r := range failed {
		s.opLine(r.ev, r.path)
	}

	sum := res.Summary
	n := len(s.rows)
	line := fmt.Sprintf("%d %s", n, humanize.Plural(n, "repository", "repositories"))
	switch {
	case n == 0 && !sum.Interrupted:
		s.printf("no repositories found\n")
		return
	case n == 0:
		line = "no repositories"
	case attention == 0 && len(failed) == 0:
		line += ", all clean"
	default:
		line += fmt.Sprintf(", %d %s attention", attention, humanize.Plural(attention, "needs", "need"))
	}
	if res.Dirty > 0 {
		line += fmt.Sprintf(", %d dirty", res.Dirty)
	}
	if len(failed) > 0 || sum.Failed > 0 {
		line += fmt.Sprintf(", %d failed", sum.Failed)
	}
	line += " in " + humanize.Duration(sum.Duration)
	if sum.Interrupted {
		line += " (interrupted)"
	}
	s.printf("%s\n", line)
}

func (s *textSink) statusCells(path string, st *git.Status) []string {
	branch := safetext.Sanitize(st.Branch)
	if st.Detached {
		branch = "(detached " + humanize.SHA(safetext.Sanitize(st.Head.SHA)) + ")"
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
		last = humanize.Age(s.now().Sub(st.Head.Time)) + "  " + safetext.Sanitize(st.Head.Subject)
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

// statusColumns are the status table's columns. The path and the state
// are what a row is about and are kept; the rest give way on a narrow
// terminal, the stash count and the last commit first.
func statusColumns() []Column {
	return []Column{
		{Header: "PATH", Priority: 100, Keep: true, Min: 24, KeepEnd: true},
		{Header: "BRANCH", Priority: 60, Min: 12},
		{Header: "STATE", Priority: 90, Keep: true},
		{Header: "↑↓", Priority: 50},
		{Header: "CHANGES", Priority: 40},
		{Header: "STASH", Priority: 20},
		{Header: "LAST COMMIT", Priority: 30, Min: 24},
	}
}

// stateCol is the index of STATE in statusColumns.
const stateCol = 2

// printTable prints the status table fitted to the terminal's width and
// colours the header and the STATE column when decorating.
func (s *textSink) printTable(rows [][]string, states []string) {
	t := Table{Columns: statusColumns(), Rows: rows, Width: s.opt.Width,
		Style: func(row, col int, c string) string {
			switch {
			case row < 0:
				return s.style(styleBold, c)
			case col == stateCol:
				return s.style(stateStyle(states[row]), c)
			}
			return c
		}}
	for _, l := range t.Lines() {
		s.printf("%s\n", l)
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
