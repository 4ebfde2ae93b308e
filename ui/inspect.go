package ui

import (
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/ui/components/detail"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/safetext"
)

// inspectLog is how many commits the detail pane asks for.
const inspectLog = 15

// inspectState is the detail pane's latest request. Results of any other
// (superseded) run are dropped by run ID.
type inspectState struct {
	runID, repoID string
	data          detail.Inspect
}

// openDetail shows the pane for the row under the cursor and asks the
// engine for its commits and changed files.
func (m *model) openDetail() {
	r := m.table.Cursor()
	if r == nil {
		return
	}
	m.mode = modeDetail
	m.inspect = inspectState{repoID: r.ID}
	if !r.Cloned {
		return
	}
	id := m.deps.submit(m.deps.ctx, engine.Plan{
		Jobs:    []engine.Job{{Repo: engine.Repo{ID: r.ID, Path: r.Path, URL: r.URL}, Op: engine.OpInspect}},
		Options: engine.Options{LogLimit: inspectLog},
	})
	if id == "" {
		m.inspect.data.Err = "the engine is closed"
		return
	}
	m.runs[id] = runInfo{op: engine.OpInspect, repos: 1, quiet: true}
	m.submitted = append(m.submitted, id)
	m.inspect.runID = id
	m.inspect.data.Loading = true
}

// inspectEvent fills the pane from the result of the current request.
func (m *model) inspectEvent(ev engine.Event) {
	m.logEvent(ev)
	f, ok := ev.(engine.OpFinished)
	if !ok || f.RunID != m.inspect.runID || f.RepoID != m.inspect.repoID {
		return
	}
	d := detail.Inspect{}
	if f.Err != nil {
		d.Err = safetext.Sanitize(f.Err.Error())
	}
	for _, c := range f.Result.Commits {
		c.SHA, c.Subject, c.Author = safetext.Sanitize(c.SHA), safetext.Sanitize(c.Subject), safetext.Sanitize(c.Author)
		d.Commits = append(d.Commits, c)
	}
	for _, fc := range f.Result.Changes {
		fc.Path = safetext.Sanitize(fc.Path)
		d.Changes = append(d.Changes, fc)
	}
	m.inspect.data = d
}

// inspectFor is what the pane shows for r: nil when nothing was asked.
func (m *model) inspectFor(r *repotable.Row) *detail.Inspect {
	if r == nil || m.inspect.repoID != r.ID || (m.inspect.runID == "" && m.inspect.data.Err == "") {
		return nil
	}
	return &m.inspect.data
}
