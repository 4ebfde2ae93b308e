package headless

import (
	"strings"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// How exec's output is presented (mgit exec). Grouped, the default, prints
// each repository's output as one block when its command finishes, headed
// by the repository's path, so the outputs of concurrent commands never
// mix. Streamed (Options.ExecStream, with engine.ExecOptions.Stream) prints
// every line as it comes, prefixed "path: ". Either way a failed command
// gets a FAIL line, and the run ends with the usual summary line.

// truncatedNote ends output that was cut at the engine's cap.
const truncatedNote = "[output truncated]"

// execFinished presents a finished exec: the block of its output unless the
// lines were streamed, then a FAIL line if it failed.
func (s *textSink) execFinished(ev engine.OpFinished, path string) {
	x := ev.Result.Exec
	if !s.opt.ExecStream && x != nil {
		s.printf("%s\n", s.style(styleBold, "==> "+path))
		if out := x.Combined(); out != "" {
			s.printf("%s\n", strings.TrimSuffix(safetext.Block(out), "\n"))
		}
		if x.Truncated {
			s.printf("%s\n", s.style(styleDim, truncatedNote))
		}
	}
	if ev.Result.Outcome != engine.OutcomeOK || (s.opt.ExecStream && x != nil && x.Truncated) {
		s.opLine(ev, path)
	}
}

// execLine prints one streamed line: "path: line".
func (s *textSink) execLine(_ engine.OpProgress, l engine.ExecLine, path string) {
	s.printf("%s %s\n", s.style(styleDim, safetext.Sanitize(path)+":"), safetext.Sanitize(l.Text))
}

// jsonOutput is one streamed line (type "output").
type jsonOutput struct {
	Type   string `json:"type"` // "output"
	RunID  string `json:"run_id"`
	OpID   string `json:"op_id"`
	Repo   string `json:"repo"`
	Path   string `json:"path"`
	Stream string `json:"stream"` // "stdout" or "stderr"
	Line   string `json:"line"`
}

func (s *jsonSink) execLine(ev engine.OpProgress, l engine.ExecLine, path string) {
	stream := "stdout"
	if l.Stderr {
		stream = "stderr"
	}
	s.write(jsonOutput{Type: "output", RunID: ev.RunID, OpID: ev.OpID, Repo: safetext.Sanitize(ev.RepoID),
		Path: safetext.Sanitize(path), Stream: stream, Line: safetext.Sanitize(l.Text)})
}

// execFields adds an exec's exit code and output to its "op" line.
func (o *jsonOp) execFields(x *engine.ExecResult) {
	if x == nil {
		return
	}
	code, stdout, stderr := x.ExitCode, safetext.Block(x.Stdout()), safetext.Block(x.Stderr())
	o.ExitCode, o.Stdout, o.Stderr, o.Truncated = &code, &stdout, &stderr, x.Truncated
}
