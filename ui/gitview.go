package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/pager"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/safetext"
)

const (
	// logLimit is how many commits the log view asks the engine for.
	logLimit = 200
	// diffLimit bounds the diff read into memory: a generated file's diff
	// can be hundreds of megabytes, and a pane shows a few screens of it.
	diffLimit = 4 << 20
)

// diffMsg is the diff of the repository the pager's request req asked
// for, read off the Update goroutine.
type diffMsg struct {
	req   int
	lines []string
	err   error
}

// gitView is the pager's content: the log or the diff of one
// repository, and the inspect run reading the log's commits.
type gitView struct {
	pager  pager.Model
	logRun string // "" when no log is being read
}

// openLog shows the log of row and asks the engine for its last commits
// (an inspect run, so that both git backends answer); the result arrives
// as an event (logEvent).
func (g *gitView) openLog(r runner, row *repotable.Row) {
	g.pager.Open("log", row.Name, "no commits")
	if !row.Cloned {
		g.pager.Fail("not cloned: nothing to show")
		return
	}
	id := r.book([]engine.Job{{Repo: engine.Repo{ID: row.ID, Path: row.Path, URL: row.URL}, Op: engine.OpInspect}},
		engine.Options{LogLimit: logLimit}, runInfo{op: engine.OpInspect, repos: 1, quiet: true})
	if id == "" {
		g.pager.Fail("the engine is closed")
		return
	}
	g.logRun = id
}

// logEvent fills the log view from the result of its current request.
func (g *gitView) logEvent(ev engine.Event, now func() time.Time) {
	f, ok := ev.(engine.OpFinished)
	if !ok || g.logRun == "" || f.RunID != g.logRun {
		return
	}
	g.logRun = ""
	if f.Err != nil {
		g.pager.Fail(safetext.Sanitize(f.Err.Error()))
		return
	}
	t := now()
	lines := make([]string, 0, len(f.Result.Commits))
	for _, c := range f.Result.Commits {
		lines = append(lines, fmt.Sprintf("%s  %-8s  %s  %s", safetext.Sanitize(humanize.SHA(c.SHA)),
			humanize.Age(t.Sub(c.Time)), safetext.Sanitize(c.Author), safetext.Sanitize(c.Subject)))
	}
	g.pager.Fill(lines)
}

// openDiff shows the diff of row; git reads it in a command.
func (g *gitView) openDiff(ctx context.Context, row *repotable.Row) tea.Cmd {
	g.pager.Open("diff", row.Name, "no changes: the work tree and the index match HEAD")
	if !row.Cloned {
		g.pager.Fail("not cloned: nothing to show")
		return nil
	}
	dir, req := row.Path, g.pager.Req
	return func() tea.Msg {
		lines, err := readDiff(ctx, dir)
		return diffMsg{req: req, lines: lines, err: err}
	}
}

// diffDone fills the diff view unless the request was superseded.
func (g *gitView) diffDone(msg diffMsg) {
	if g.pager.Req != msg.req || g.pager.Kind != "diff" {
		return
	}
	if msg.err != nil {
		g.pager.Fail(safetext.Sanitize(msg.err.Error()))
		return
	}
	g.pager.Fill(msg.lines)
}

// errNoGit says why the diff view cannot work without the git binary
// (the go-git backend has no text diff of the work tree).
var errNoGit = errors.New("the diff view runs git, which is not on PATH; enter lists the changed files")

// readDiff is what is staged, then what is not, as sanitized lines. It
// runs git read-only: no optional locks (a background status sweep must
// not fight it over index.lock), no prompt, no pager, no external diff or
// text conversion (either would run a program the repository names).
func readDiff(ctx context.Context, dir string) ([]string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errNoGit
	}
	var lines []string
	for _, part := range []struct {
		title string
		args  []string
	}{{"staged", []string{"--cached"}}, {"not staged", nil}} {
		out, err := gitDiff(ctx, dir, part.args...)
		if err != nil {
			return nil, err
		}
		if len(out) == 0 {
			continue
		}
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, "── "+part.title+" ──")
		lines = append(lines, diffLines(out)...)
	}
	return lines, nil
}

func gitDiff(ctx context.Context, dir string, args ...string) ([]byte, error) {
	argv := append([]string{"-c", "core.quotepath=false", "--no-pager", "diff", "--no-color",
		"--no-ext-diff", "--no-textconv"}, args...)
	c := exec.CommandContext(ctx, "git", argv...)
	c.Dir = dir
	c.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0", "GIT_PAGER=cat")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	stdout, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, fmt.Errorf("git diff: %w", err)
	}
	out, _ := io.ReadAll(io.LimitReader(stdout, diffLimit+1))
	truncated := len(out) > diffLimit
	if truncated {
		out = append(out[:diffLimit], fmt.Sprintf("\n… (diff cut at %d MiB)\n", diffLimit>>20)...)
		_, _ = io.Copy(io.Discard, stdout)
	}
	if err := c.Wait(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git diff: %s", msg)
	}
	return out, nil
}

// diffLines splits git's output into display lines: tabs expanded (the
// terminal's tab stops are not the pane's), every control sequence gone.
func diffLines(out []byte) []string {
	raw := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	lines := make([]string, len(raw))
	for i, l := range raw {
		lines[i] = safetext.Sanitize(strings.ReplaceAll(l, "\t", "    "))
	}
	return lines
}
