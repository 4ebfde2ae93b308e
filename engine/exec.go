package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/mgit-dev/mgit/engine/git/cli"
)

// OpExec runs Options.Exec's command in the repository's work tree (mgit
// exec). A disk operation: it runs in the disk pool.
const OpExec Op = "exec"

// DefaultExecOutputLimit is how much output OpExec keeps per repository
// when ExecOptions.OutputLimit is 0: enough for any report a person reads,
// bounded so a thousand chatty repositories cannot exhaust memory.
const DefaultExecOutputLimit = 1 << 20

// ErrExitStatus marks an OpExec whose command exited with a non-zero
// status (ExecResult.ExitCode says which).
var ErrExitStatus = errors.New("command failed")

// ExecOptions say what OpExec runs.
type ExecOptions struct {
	// Argv is the command and its arguments, run without a shell; with
	// Shell, its one element is the script given to sh -c.
	Argv  []string
	Shell bool
	// Stream sends every line the command writes as an OpProgress event
	// (Output set) while it runs. Those events are never dropped: a slow
	// consumer slows the command down instead.
	Stream bool
	// OutputLimit caps the output kept per repository, stdout and stderr
	// together, in bytes (default DefaultExecOutputLimit; negative keeps
	// none). Output beyond it is read and discarded, and the result says
	// Truncated.
	OutputLimit int
	// Timeout bounds one command (0: none; Ctrl-C always stops it).
	Timeout time.Duration
}

// ExecChunk is a piece of a command's output, in the order written.
type ExecChunk struct {
	Stderr bool
	Data   []byte
}

// ExecResult is what OpExec's command left behind.
type ExecResult struct {
	// ExitCode is the command's exit status; -1 when it did not exit on
	// its own (killed by a signal, cancelled, or it could not start).
	ExitCode int
	// Output is stdout and stderr interleaved as mgit read them (adjacent
	// reads of one stream merged; two pipes, so the order across them is
	// close to, not exactly, the order written), at most OutputLimit bytes.
	Output    []ExecChunk
	Truncated bool
}

// Stdout is the command's kept standard output.
func (r *ExecResult) Stdout() string { return r.stream(false) }

// Stderr is the command's kept standard error.
func (r *ExecResult) Stderr() string { return r.stream(true) }

// Combined is all kept output, interleaved as the command wrote it.
func (r *ExecResult) Combined() string {
	var b strings.Builder
	for _, c := range r.Output {
		b.Write(c.Data)
	}
	return b.String()
}

func (r *ExecResult) stream(stderr bool) string {
	var b strings.Builder
	for _, c := range r.Output {
		if c.Stderr == stderr {
			b.Write(c.Data)
		}
	}
	return b.String()
}

// ExecLine is one line a command wrote, streamed (ExecOptions.Stream).
type ExecLine struct {
	Stderr bool
	// Text is the line without its newline; raw, so presenters must
	// sanitise it for a terminal.
	Text string
}

// exec runs the command in the work tree. It holds the repository lock
// shared: any number of commands (and mgit's readers) run side by side, but
// never while an mgit operation that changes the repository runs, in this
// process or another. The child gets the user's environment without mgit's
// secrets and no credential of mgit's.
func (x *opExec) exec() (Result, error) {
	opt, repo := x.r.plan.Options.Exec, x.jb.Repo
	if len(opt.Argv) == 0 || (opt.Shell && len(opt.Argv) != 1) {
		return Result{}, fmt.Errorf("exec %s: want a command (with a shell: exactly one script)", repo.ID)
	}
	if x.r.plan.Options.DryRun {
		return Result{Outcome: OutcomeSkipped, Detail: "dry run: would run " + strings.Join(opt.Argv, " ")}, nil
	}
	unlock, err := x.lockRepoShared()
	if err != nil {
		return Result{}, err
	}
	defer unlock()

	ctx := x.r.ctx
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	name, args := opt.Argv[0], opt.Argv[1:]
	if opt.Shell {
		name, args = "/bin/sh", []string{"-c", opt.Argv[0]}
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = repo.Path
	cmd.Env = cli.ChildEnv(os.Environ(), x.r.e.cfg.SecretEnv)
	cmd.Stdin = nil // /dev/null: the command cannot wait for input

	limit := opt.OutputLimit
	if limit == 0 {
		limit = DefaultExecOutputLimit
	}
	out := &capture{limit: max(limit, 0)}
	var lines [2]*lineWriter
	for i := range lines {
		lines[i] = &lineWriter{stderr: i == 1, emit: x.emitLine}
		if !opt.Stream {
			lines[i] = nil
		}
	}
	cmd.Stdout = out.writer(false, lines[0])
	cmd.Stderr = out.writer(true, lines[1])
	runErr := cli.RunChild(cmd)
	for _, l := range lines {
		l.flush()
	}

	res := Result{Exec: &ExecResult{ExitCode: -1, Output: out.chunks, Truncated: out.truncated}}
	if cmd.ProcessState != nil {
		res.Exec.ExitCode = cmd.ProcessState.ExitCode()
	}
	return x.execOutcome(ctx, res, runErr)
}

// execOutcome turns how the command ended into the operation's result.
func (x *opExec) execOutcome(ctx context.Context, res Result, runErr error) (Result, error) {
	id, code := x.jb.Repo.ID, res.Exec.ExitCode
	switch {
	case x.r.ctx.Err() != nil:
		return res, fmt.Errorf("exec %s: %w", id, x.r.ctx.Err())
	case ctx.Err() != nil:
		return res, fmt.Errorf("exec %s: timed out after %s: %w", id, x.r.plan.Options.Exec.Timeout, ctx.Err())
	case runErr == nil:
		res.Detail = "exit 0"
		return res, nil
	case code > 0:
		res.Detail = fmt.Sprintf("exit %d", code)
		return res, fmt.Errorf("exec %s: %w: exit status %d", id, ErrExitStatus, code)
	}
	return res, fmt.Errorf("exec %s: %w", id, runErr)
}

// emitLine sends one streamed line. Unlike transfer progress it waits for
// room: a line must not be lost.
func (x *opExec) emitLine(l ExecLine) {
	x.r.e.emit(x.r.id, x.jb.Repo.ID, func(m Meta) Event {
		return OpProgress{Meta: m, Op: x.jb.Op, OpID: x.jb.opID, Output: &l}
	})
}

// capture keeps a command's output up to limit bytes, in order; the rest is
// read and dropped, so the command never blocks on a full pipe.
type capture struct {
	mu        sync.Mutex
	limit, n  int
	chunks    []ExecChunk
	truncated bool
}

type captureWriter struct {
	c      *capture
	stderr bool
	lines  *lineWriter // nil unless streaming
}

func (c *capture) writer(stderr bool, lines *lineWriter) *captureWriter {
	return &captureWriter{c: c, stderr: stderr, lines: lines}
}

func (w *captureWriter) Write(p []byte) (int, error) {
	w.c.add(w.stderr, p)
	if w.lines != nil {
		w.lines.write(p)
	}
	return len(p), nil
}

func (c *capture) add(stderr bool, p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := min(len(p), c.limit-c.n)
	if keep < len(p) {
		c.truncated = true
	}
	if keep <= 0 {
		return
	}
	c.n += keep
	if k := len(c.chunks) - 1; k >= 0 && c.chunks[k].Stderr == stderr {
		c.chunks[k].Data = append(c.chunks[k].Data, p[:keep]...)
		return
	}
	c.chunks = append(c.chunks, ExecChunk{Stderr: stderr, Data: append([]byte(nil), p[:keep]...)})
}

// maxLine bounds a streamed line: a longer one is sent in pieces, so a
// command writing without newlines cannot grow the buffer without end.
const maxLine = 64 << 10

// lineWriter splits one output stream into lines for streaming. exec
// copies each stream in a goroutine of its own, so a lineWriter is only
// ever written from one goroutine.
type lineWriter struct {
	stderr  bool
	emit    func(ExecLine)
	pending []byte
}

func (l *lineWriter) write(p []byte) {
	l.pending = append(l.pending, p...)
	for {
		i := bytes.IndexByte(l.pending, '\n')
		if i < 0 {
			if len(l.pending) >= maxLine {
				l.send(l.pending[:maxLine])
				l.pending = l.pending[maxLine:]
				continue
			}
			break
		}
		l.send(l.pending[:i])
		l.pending = l.pending[i+1:]
	}
	if len(l.pending) == 0 {
		l.pending = nil // let the buffer go between lines
	}
}

func (l *lineWriter) send(b []byte) {
	l.emit(ExecLine{Stderr: l.stderr, Text: strings.TrimSuffix(string(b), "\r")})
}

// flush sends a last line that had no newline.
func (l *lineWriter) flush() {
	if l != nil && len(l.pending) > 0 {
		l.send(l.pending)
		l.pending = nil
	}
}
