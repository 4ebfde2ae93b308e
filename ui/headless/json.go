package headless

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// The NDJSON shapes. Field names and "type" values are a public contract:
// scripts depend on them. Fields may be added, never renamed or removed.

type jsonHead struct {
	SHA     string    `json:"sha"`
	Subject string    `json:"subject"`
	Author  string    `json:"author"`
	Time    time.Time `json:"time"`
}

type jsonStatus struct {
	Type         string `json:"type"` // "status"
	RunID        string `json:"run_id"`
	Repo         string `json:"repo"`
	Path         string `json:"path"`
	Kind         string `json:"kind,omitempty"` // "repo", "worktree", "submodule"
	Branch       string `json:"branch"`
	Detached     bool   `json:"detached"`
	Upstream     string `json:"upstream"`
	UpstreamGone bool   `json:"upstream_gone"`
	NoCommits    bool   `json:"no_commits"`
	Ahead        int    `json:"ahead"`
	Behind       int    `json:"behind"`
	// AheadBehindCapped: ahead and behind were not counted (see git.Status).
	AheadBehindCapped bool      `json:"ahead_behind_capped,omitempty"`
	Staged            int       `json:"staged"`
	Unstaged          int       `json:"unstaged"`
	Untracked         int       `json:"untracked"`
	Conflicts         int       `json:"conflicts"`
	Stash             int       `json:"stash"`
	State             string    `json:"state"`
	Head              *jsonHead `json:"head"`
	Error             *string   `json:"error"`
	ErrorKind         string    `json:"error_kind,omitempty"`
}

type jsonOp struct {
	Type       string  `json:"type"` // "op"
	RunID      string  `json:"run_id"`
	OpID       string  `json:"op_id"`
	Op         string  `json:"op"`
	Repo       string  `json:"repo"`
	Path       string  `json:"path"`
	Kind       string  `json:"kind,omitempty"` // as in jsonStatus
	Result     string  `json:"result"`
	DurationMS int64   `json:"duration_ms"`
	Detail     string  `json:"detail"`
	Attempts   int     `json:"attempts"`
	Error      *string `json:"error"`
	ErrorKind  string  `json:"error_kind,omitempty"`
	Hint       string  `json:"hint,omitempty"`
	// exec only: the command's exit status (-1: it did not exit on its
	// own), its output (capped; Truncated says when cut).
	ExitCode  *int    `json:"exit_code,omitempty"`
	Stdout    *string `json:"stdout,omitempty"`
	Stderr    *string `json:"stderr,omitempty"`
	Truncated bool    `json:"truncated,omitempty"`
	// Changes is what a fetch or pull moved (absent when not computed).
	Changes *jsonChanges `json:"changes,omitempty"`
	// Cancelled is "stopped" or "not-started" when an interruption kept
	// the operation from finishing.
	Cancelled string `json:"cancelled,omitempty"`
}

// jsonChanges is git.RefChanges: Changed false is "unchanged".
type jsonChanges struct {
	Changed         bool     `json:"changed"`
	Branch          string   `json:"branch"`
	Incoming        int      `json:"incoming"`
	Forced          bool     `json:"forced,omitempty"`
	Uncounted       bool     `json:"uncounted,omitempty"`
	NewBranches     []string `json:"new_branches"`
	UpdatedBranches []string `json:"updated_branches"`
	PrunedBranches  []string `json:"pruned_branches"`
	NewTags         []string `json:"new_tags"`
	UpdatedTags     []string `json:"updated_tags"`
	Summary         string   `json:"summary"`
}

func changesObject(c *git.RefChanges) *jsonChanges {
	if c == nil {
		return nil
	}
	list := func(l []string) []string {
		out := make([]string, len(l)) // [] rather than null: one shape for scripts
		for i, v := range l {
			out[i] = safetext.Sanitize(v)
		}
		return out
	}
	return &jsonChanges{
		Changed: c.Changed(), Branch: safetext.Sanitize(c.Branch), Incoming: c.Incoming, Forced: c.Forced, Uncounted: c.Uncounted,
		NewBranches: list(c.NewBranches), UpdatedBranches: list(c.UpdatedBranches), PrunedBranches: list(c.PrunedBranches),
		NewTags: list(c.NewTags), UpdatedTags: list(c.UpdatedTags), Summary: safetext.Sanitize(c.String()),
	}
}

type jsonSummary struct {
	Type        string `json:"type"` // "summary"
	RunID       string `json:"run_id"`
	OK          int    `json:"ok"`
	Failed      int    `json:"failed"`
	Skipped     int    `json:"skipped"`
	AuthFailed  int    `json:"auth_failed"`
	Dirty       int    `json:"dirty"`
	Interrupted bool   `json:"interrupted"`
	Stopped     int    `json:"stopped"`
	NotStarted  int    `json:"not_started"`
	DurationMS  int64  `json:"duration_ms"`
	ExitCode    int    `json:"exit_code"`
}

// StateError is the "state" of a repository whose status could not be read.
const StateError = "error"

type jsonSink struct {
	enc      *json.Encoder
	firstErr error
}

func newJSONSink(w io.Writer) *jsonSink {
	enc := json.NewEncoder(w)
	// Keep <, > and & readable in commit subjects; nothing here is HTML.
	enc.SetEscapeHTML(false)
	return &jsonSink{enc: enc}
}

func (s *jsonSink) write(v any) {
	if s.firstErr != nil {
		return
	}
	// Encode writes one line per value: NDJSON.
	s.firstErr = s.enc.Encode(v)
}

func (s *jsonSink) err() error { return s.firstErr }

func (s *jsonSink) opFinished(ev engine.OpFinished, path, kind string) {
	if ev.Op == engine.OpStatus {
		st := statusObject(ev, path)
		st.Kind = kind
		s.write(st)
	}
	o := jsonOp{
		Type:       "op",
		RunID:      ev.RunID,
		OpID:       ev.OpID,
		Op:         string(ev.Op),
		Repo:       safetext.Sanitize(ev.RepoID),
		Path:       safetext.Sanitize(path),
		Kind:       kind,
		Result:     string(ev.Result.Outcome),
		DurationMS: ev.Duration.Milliseconds(),
		Detail:     safetext.Sanitize(ev.Result.Detail),
		Attempts:   ev.Result.Attempts,
		Changes:    changesObject(ev.Result.Refs),
		Cancelled:  string(ev.Result.Cancelled),
	}
	if ev.Err != nil {
		msg := errorText(ev.Err)
		o.Error = &msg
		o.ErrorKind = ErrorKind(ev.Err)
		o.Hint = git.Hint(ev.Err)
	}
	o.execFields(ev.Result.Exec)
	s.write(o)
}

func statusObject(ev engine.OpFinished, path string) jsonStatus {
	o := jsonStatus{
		Type:  "status",
		RunID: ev.RunID,
		Repo:  safetext.Sanitize(ev.RepoID),
		Path:  safetext.Sanitize(path),
		State: StateError,
	}
	if st := ev.Result.Status; st != nil {
		o.Branch = safetext.Sanitize(st.Branch)
		o.Detached = st.Detached
		o.Upstream = safetext.Sanitize(st.Upstream)
		o.UpstreamGone = st.UpstreamGone
		o.NoCommits = st.NoCommits
		o.Ahead, o.Behind, o.AheadBehindCapped = st.Ahead, st.Behind, st.AheadBehindCapped
		o.Staged, o.Unstaged, o.Untracked, o.Conflicts = st.Staged, st.Unstaged, st.Untracked, st.Conflicts
		o.Stash = st.Stash
		o.State = st.State()
		if !st.NoCommits && st.Head.SHA != "" {
			o.Head = &jsonHead{
				SHA:     safetext.Sanitize(st.Head.SHA),
				Subject: safetext.Sanitize(st.Head.Subject),
				Author:  safetext.Sanitize(st.Head.Author),
				Time:    st.Head.Time,
			}
		}
	}
	if ev.Err != nil {
		msg := errorText(ev.Err)
		o.Error = &msg
		o.ErrorKind = ErrorKind(ev.Err)
	}
	return o
}

func (s *jsonSink) runFinished(res Result, runID string) {
	sum := res.Summary
	s.write(jsonSummary{
		Type:        "summary",
		RunID:       runID,
		OK:          sum.OK,
		Failed:      sum.Failed,
		Skipped:     sum.Skipped,
		AuthFailed:  sum.AuthFailed,
		Dirty:       res.Dirty,
		Interrupted: sum.Interrupted,
		Stopped:     sum.Stopped,
		NotStarted:  sum.NotStarted,
		DurationMS:  sum.Duration.Milliseconds(),
		ExitCode:    res.ExitCode,
	})
}

// ErrorKind names the classified cause of err for machine output: "auth",
// "not-fast-forward", "no-upstream", "not-found", "network", "unsupported",
// "local-changes", "not-a-repository", "destination-exists", "branch-in-use",
// "no-commits", "no-such-branch", "interrupted",
// "local-changes", "not-a-repository", "destination-exists", "lock",
// "disk-full", "stalled", "host-down", "exit-status" (exec), "interrupted",
// "timeout", or "" when unclassified.
func ErrorKind(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, git.ErrAuth):
		return "auth"
	case errors.Is(err, git.ErrNotFastForward):
		return "not-fast-forward"
	case errors.Is(err, git.ErrNoUpstream):
		return "no-upstream"
	case errors.Is(err, git.ErrRepoNotFound):
		return "not-found"
	case errors.Is(err, git.ErrUnsupported):
		return "unsupported"
	case errors.Is(err, git.ErrLocalChanges):
		return "local-changes"
	case errors.Is(err, git.ErrNotRepository):
		return "not-a-repository"
	case errors.Is(err, git.ErrDestExists):
		return "destination-exists"
	case errors.Is(err, git.ErrBranchInUse):
		return "branch-in-use"
	case errors.Is(err, git.ErrNoCommits):
		return "no-commits"
	case errors.Is(err, git.ErrNoSuchBranch):
		return "no-such-branch"
	case errors.Is(err, git.ErrLocked):
		return "lock"
	case errors.Is(err, git.ErrDiskFull):
		return "disk-full"
	case errors.Is(err, git.ErrStalled):
		return "stalled"
	case errors.Is(err, git.ErrHostDown):
		return "host-down"
	case errors.Is(err, engine.ErrExitStatus):
		return "exit-status"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, git.ErrNetwork):
		return "network"
	}
	return ""
}
