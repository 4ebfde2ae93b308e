package headless

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// Format is the output format.
type Format string

// The output formats.
const (
	// FormatText is for people: a table or one line per operation, then a
	// summary line.
	FormatText Format = "text"
	// FormatJSON is NDJSON for scripts: one object per line, each with a
	// "type" ("status", "op", and last "summary").
	FormatJSON Format = "json"
)

// ParseFormat validates a --output value.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatText, FormatJSON:
		return Format(s), nil
	}
	return "", fmt.Errorf("output format %q: want text or json", s)
}

// Options configure one presentation of one run.
type Options struct {
	Format Format
	// RunID, when set, makes the presenter ignore events of other runs.
	RunID string
	// StatusTable makes text output a table of repository states printed
	// when the run finishes (the status command) instead of one line per
	// finished operation.
	StatusTable bool
	// All lists every repository in the status table, not only those that
	// need attention.
	All bool
	// ExitCode decides the run's exit status from its summary and the
	// number of repositories with local changes. The command layer owns
	// that mapping (exit codes are not the presenter's to decide); the
	// presenter only reports it in Result and the JSON summary. nil
	// reports 0.
	ExitCode func(s engine.Summary, dirty int) int
	// Decorate allows colour. Set it only when the output is a terminal and
	// NO_COLOR is unset: nothing decorative goes to pipes and files.
	Decorate bool
	// Width is the terminal's width the status table fits in (see
	// TerminalWidth); 0 means no limit.
	Width int
	// Paths maps a repository ID to the path shown to the user (usable from
	// their working directory). Repositories not in it are shown by the
	// path the engine reported, else by ID.
	Paths map[string]string
	// Now is the clock for commit ages; nil means time.Now.
	Now func() time.Time
	// ExecStream says exec's lines are streamed (engine.ExecOptions.Stream)
	// and printed as they come, not grouped per repository (see exec.go).
	ExecStream bool
	// ChangedOnly leaves out the repositories a fetch or pull changed
	// nothing in (and skipped ones); failures are always shown and the
	// summary still counts every repository.
	ChangedOnly bool
}

// Result is what a presented run amounts to.
type Result struct {
	Summary engine.Summary
	// Dirty counts repositories whose status showed local changes.
	Dirty int
	// ExitCode is the process exit status for this run.
	ExitCode int
}

// ErrStreamClosed is returned when the event channel closes before the run
// finished.
var ErrStreamClosed = errors.New("event stream closed before the run finished")

// sink receives the events that matter to output. Implementations buffer or
// stream; write errors are remembered, not returned, so the presenter keeps
// draining events and never stalls the engine on a broken pipe.
type sink interface {
	// kind is the engine.Repo.Kind the run announced ("" when unknown).
	opFinished(ev engine.OpFinished, path, kind string)
	runFinished(res Result, runID string)
	err() error
	// execLine presents one streamed line of an exec command.
	execLine(ev engine.OpProgress, l engine.ExecLine, path string)
}

// Present consumes events until the run finishes and writes its output to
// w. It always drains the stream up to RunFinished, even when writing fails,
// so the engine is never blocked; the first write error is returned with
// the result.
func Present(events <-chan engine.Event, w io.Writer, opt Options) (Result, error) {
	var out sink
	switch opt.Format {
	case FormatJSON:
		out = newJSONSink(w)
	case FormatText, "":
		now := opt.Now
		if now == nil {
			now = time.Now
		}
		out = newTextSink(w, opt, now)
	default:
		return Result{}, fmt.Errorf("output format %q: want text or json", opt.Format)
	}

	found := map[string]string{} // repo ID → engine path, from RepoFound
	kinds := map[string]string{} // repo ID → engine.Repo.Kind, from RepoFound
	pathOf := func(id string) string {
		if p, ok := opt.Paths[id]; ok {
			return p
		}
		if p, ok := found[id]; ok && p != "" {
			return p
		}
		return id
	}
	var res Result
	for ev := range events {
		if opt.RunID != "" && ev.EventMeta().RunID != opt.RunID {
			continue
		}
		switch e := ev.(type) {
		case engine.RepoFound:
			found[e.Repo.ID] = e.Repo.Path
			kinds[e.Repo.ID] = e.Repo.Kind
		case engine.OpFinished:
			if e.Result.Status != nil && e.Op == engine.OpStatus && e.Result.Status.Dirty() {
				res.Dirty++
			}
			if opt.ChangedOnly && unchanged(e) {
				continue
			}
			out.opFinished(e, pathOf(e.RepoID), kinds[e.RepoID])
		case engine.OpProgress:
			if e.Output != nil {
				out.execLine(e, *e.Output, pathOf(e.RepoID))
			}
		case engine.RunFinished:
			res.Summary = e.Summary
			if opt.ExitCode != nil {
				res.ExitCode = opt.ExitCode(e.Summary, res.Dirty)
			}
			out.runFinished(res, e.RunID)
			return res, out.err()
		}
	}
	return res, ErrStreamClosed
}

// unchanged reports whether a finished operation changed nothing worth a
// line under --changed-only: a skip, or a fetch or pull that moved no ref.
func unchanged(e engine.OpFinished) bool {
	switch e.Result.Outcome {
	case engine.OutcomeSkipped:
		return true
	case engine.OutcomeOK:
		return e.Result.Refs != nil && !e.Result.Refs.Changed()
	}
	return false
}

// errorText is the sanitised message of err, "" when nil.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	return safetext.Sanitize(err.Error())
}
