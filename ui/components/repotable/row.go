package repotable

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// Row is one repository.
type Row struct {
	ID string // workspace-relative, slash-separated; the engine's key, raw
	// Name is the ID as shown: sanitized, since a folder name may carry
	// terminal escapes. Whoever builds a row sets it (NewRow does).
	Name string
	Path string // work tree, or clone destination when not cloned
	URL  string // clone URL of an upstream-only repository
	// Provider is the configured provider that listed the repository, so
	// its clone uses that account's token (two accounts may share a host).
	Provider string
	// Also are the other providers that list a repository at the same
	// path: the clone would land in the same directory, so the row is
	// marked rather than one of them silently winning.
	Also []string

	Cloned         bool
	Archived, Fork bool // from the provider, when known
	// Kind is how discovery recognised a cloned repository: "repo",
	// "worktree" (a linked worktree of another repository), "submodule".
	Kind string

	Status  *git.Status // last known, sanitized; nil when never read
	Checked time.Time
	Last    *state.OpResult // last operation worth remembering; sanitized

	// Live work: Active counts queued and running operations.
	Active   int
	Running  bool
	Op       engine.Op
	Attempt  int
	Progress git.Progress
	// Output is what the last command run here (mgit exec, the x key)
	// printed, sanitized, with its exit code; nil when none ran. Not
	// kept in the state cache.
	Output *Output

	// hay is the lower-case text the filter searches, kept with the row
	// state it was made from: with the filter on, every batch of events
	// filters every row again, and most have not changed.
	hay    string
	hayFor hayKey
}

// hayKey is what the filter text depends on. Statuses and results are
// replaced, never changed in place, so their pointers tell a change.
type hayKey struct {
	name                   string
	status                 *git.Status
	last                   *state.OpResult
	cloned, archived, fork bool
}

// filterText is the lower-case text the filter matches words against:
// name, state, flags, branch and "failed".
func (r *Row) filterText() string {
	k := hayKey{r.Name, r.Status, r.Last, r.Cloned, r.Archived, r.Fork}
	if r.hay != "" && k == r.hayFor {
		return r.hay
	}
	hay := strings.ToLower(r.Name + " " + r.State() + " " + r.StateLabel() + " " + flags(r, true))
	if r.Status != nil {
		hay += " " + strings.ToLower(r.Status.Branch)
	}
	if r.Failed() {
		hay += " failed"
	}
	r.hay, r.hayFor = hay, k
	return hay
}

// Output is a command's output as the detail pane shows it.
type Output struct {
	ExitCode  int    // -1: it did not exit on its own
	Text      string // stdout and stderr, sanitized line by line
	Truncated bool
}

// NewRow returns a row for the repository id with its display name set.
func NewRow(id, path, url string) *Row {
	return &Row{ID: id, Name: safetext.Sanitize(id), Path: path, URL: url}
}

// Busy reports whether an operation is queued or running.
func (r *Row) Busy() bool { return r.Active > 0 }

// Failed reports whether the last operation failed.
func (r *Row) Failed() bool { return r.Last != nil && r.Last.Outcome == string(engine.OutcomeFailed) }

// State is the row's one-word state for filtering and sorting.
func (r *Row) State() string {
	switch {
	case !r.Cloned:
		return "not-cloned"
	case r.Status == nil:
		return "unknown"
	}
	return r.Status.State()
}

// Entry is the row as the state cache keeps it.
func (r *Row) Entry() state.Entry {
	return state.Entry{Status: r.Status, Checked: r.Checked, Last: r.Last}
}

// FromEntry fills the row from the state cache.
func (r *Row) FromEntry(e state.Entry) { new(Filler).Fill(r, e) }

// Filler fills rows from the state cache, sanitizing what it shows. The
// words that repeat from row to row (branch, upstream, author, the last
// operation's op, outcome, cause and hint) are sanitized once per
// distinct value: at 10,000 rows sanitizing every field of every row was
// a fifth of the CPU spent before the first frame. A value that
// sanitizing leaves as it is is shared, not copied, with the entry (an
// entry's status and result are never changed in place, as a row's are
// not). The zero value is ready; a Filler is not safe for concurrent use.
type Filler struct {
	seen map[string]string
	// prev is each repeated field's last value and what sanitizing made
	// of it: consecutive rows mostly share them (main, origin/main, ok),
	// and comparing two short strings is cheaper than hashing one.
	prev [numRepeated]struct{ in, out string }
}

// The fields a Filler sanitizes once per distinct value.
const (
	fieldBranch = iota
	fieldUpstream
	fieldAuthor
	fieldOp
	fieldOutcome
	fieldCause
	fieldHint
	numRepeated
)

// maxSeen bounds the distinct repeated values a Filler remembers: the
// repeating fields have a few values in a workspace, and a cache where
// they do not repeat must not make the memo as big as the cache.
const maxSeen = 4096

// Fill fills r from e.
func (f *Filler) Fill(r *Row, e state.Entry) {
	if e.Status != nil {
		r.Status = f.status(e.Status)
		r.Checked = e.Checked
	}
	if e.Last != nil {
		r.Last = f.last(e.Last)
	}
}

// repeated is Sanitize of a value of the field that repeats from row to
// row.
func (f *Filler) repeated(field int, s string) string {
	if s == "" {
		return s
	}
	prev := &f.prev[field]
	if s == prev.in {
		return prev.out
	}
	v, ok := f.seen[s]
	if !ok {
		v = f.remember(s)
	}
	prev.in, prev.out = s, v
	return v
}

// remember sanitizes s and keeps the result, up to maxSeen values.
func (f *Filler) remember(s string) string {
	v := safetext.Sanitize(s)
	if f.seen == nil {
		f.seen = map[string]string{}
	}
	if len(f.seen) < maxSeen {
		f.seen[s] = v
	}
	return v
}

// status is st sanitized: st itself when nothing changed.
func (f *Filler) status(st *git.Status) *git.Status {
	c := *st
	c.Branch, c.Upstream = f.repeated(fieldBranch, st.Branch), f.repeated(fieldUpstream, st.Upstream)
	c.Head.SHA, c.Head.Subject = safetext.Sanitize(st.Head.SHA), safetext.Sanitize(st.Head.Subject)
	c.Head.Author = f.repeated(fieldAuthor, st.Head.Author)
	if c == *st {
		return st
	}
	// A copy made here, not c's address: c would then be allocated even
	// when st is returned.
	n := new(git.Status)
	*n = c
	return n
}

// last is l sanitized: l itself when nothing changed.
func (f *Filler) last(l *state.OpResult) *state.OpResult {
	c := *l
	c.Op, c.Outcome = f.repeated(fieldOp, l.Op), f.repeated(fieldOutcome, l.Outcome)
	c.Detail, c.Error = safetext.Sanitize(l.Detail), safetext.Sanitize(l.Error)
	c.Cause, c.Hint = f.repeated(fieldCause, l.Cause), f.repeated(fieldHint, l.Hint)
	if c == *l {
		return l
	}
	n := new(state.OpResult)
	*n = c
	return n
}

func sanitizeStatus(st git.Status) *git.Status {
	st.Branch = safetext.Sanitize(st.Branch)
	st.Upstream = safetext.Sanitize(st.Upstream)
	st.Head.SHA = safetext.Sanitize(st.Head.SHA)
	st.Head.Subject = safetext.Sanitize(st.Head.Subject)
	st.Head.Author = safetext.Sanitize(st.Head.Author)
	return &st
}

// apply changes the row for one of its events.
func (r *Row) apply(ev engine.Event) {
	switch ev := ev.(type) {
	case engine.OpQueued:
		r.Active++
		if !r.Running {
			r.Op = ev.Op
		}
	case engine.OpStarted:
		r.Running, r.Op, r.Attempt, r.Progress = true, ev.Op, ev.Attempt, git.Progress{}
	case engine.OpProgress:
		p := ev.Progress
		p.Phase = safetext.Sanitize(p.Phase)
		r.Progress = p
	case engine.OpFinished:
		r.Active = max(r.Active-1, 0)
		r.Running, r.Progress = false, git.Progress{}
		r.finish(ev)
	}
}

func (r *Row) finish(ev engine.OpFinished) {
	if st := ev.Result.Status; st != nil {
		r.Status, r.Checked = sanitizeStatus(*st), ev.Time
		r.Cloned = true
	}
	if ev.Op == engine.OpClone && ev.Result.Outcome == engine.OutcomeOK {
		r.Cloned = true
	}
	if ev.Op == engine.OpExec && ev.Result.Exec != nil {
		x := ev.Result.Exec
		r.Output = &Output{ExitCode: x.ExitCode, Text: safetext.Block(x.Combined()), Truncated: x.Truncated}
	}
	// Inspecting (the detail pane) is reading, not an operation to report.
	if ev.Op == engine.OpInspect {
		return
	}
	// A successful status check does not hide the result of the last
	// fetch, pull or clone: the failure the user has to act on (and that
	// "retry failed" retries) stays until a network operation replaces it.
	if ev.Op == engine.OpStatus && ev.Err == nil && r.Last != nil && r.Last.Op != string(engine.OpStatus) {
		return
	}
	res := &state.OpResult{
		Op: string(ev.Op), Outcome: string(ev.Result.Outcome),
		Detail: safetext.Sanitize(ev.Result.Detail), Duration: ev.Duration,
		Finished: ev.Time, Attempts: ev.Result.Attempts,
	}
	if ev.Err != nil {
		res.Error = safetext.Sanitize(ev.Err.Error())
		res.Cause = Cause(ev.Err)
		res.Hint = git.Hint(ev.Err)
	}
	if c := ev.Result.Cancelled; c != "" {
		// The cache keeps why: "stopped" or "not-started", shown as such.
		res.Cause = string(c)
	}
	r.Last = res
}

// causes are the classified failures, most specific first.
var causes = []error{
	git.ErrAuth, git.ErrRepoNotFound, git.ErrNotFastForward, git.ErrNoUpstream,
	git.ErrLocalChanges, git.ErrDestExists, git.ErrNotRepository, git.ErrUnsupported,
	git.ErrBranchInUse, git.ErrNoCommits, git.ErrNoSuchBranch, git.ErrNetwork,
}

// Cause names the classified cause of err ("authentication required",
// "cancelled", …), or "" when it is unclassified.
func Cause(err error) string {
	for _, c := range causes {
		if errors.Is(err, c) {
			return c.Error()
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	}
	return ""
}

// shortCause is the cause in a few letters for the table cell.
func shortCause(c string) string {
	switch c {
	case "":
		return "error"
	case "authentication required":
		return "auth"
	case "repository not found":
		return "not found"
	case "not fast-forward":
		return "diverged"
	case "local changes":
		return "changes"
	case "destination exists":
		return "exists"
	case "not a git repository":
		return "not repo"
	case "branch checked out in another worktree":
		return "in use"
	case "no commits yet":
		return "no commits"
	case "no such branch":
		return "no branch"
	}
	if i := strings.IndexByte(c, ' '); i > 0 {
		return c[:i]
	}
	return c
}
