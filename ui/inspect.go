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

// open asks the engine for the commits and changed files of row, for
// the pane.
func (in *inspectState) open(r runner, row *repotable.Row) {
	*in = inspectState{repoID: row.ID}
	if !row.Cloned {
		return
	}
	id := r.book([]engine.Job{{Repo: engine.Repo{ID: row.ID, Path: row.Path, URL: row.URL}, Op: engine.OpInspect}},
		engine.Options{LogLimit: inspectLog}, runInfo{op: engine.OpInspect, repos: 1, quiet: true})
	if id == "" {
		in.data.Err = "the engine is closed"
		return
	}
	in.runID = id
	in.data.Loading = true
}

// event fills the pane from the result of the current request.
func (in *inspectState) event(ev engine.Event) {
	f, ok := ev.(engine.OpFinished)
	if !ok || f.RunID != in.runID || f.RepoID != in.repoID {
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
	in.data = d
}

// forRow is what the pane shows for r: nil when nothing was asked.
func (in *inspectState) forRow(r *repotable.Row) *detail.Inspect {
	if r == nil || in.repoID != r.ID || (in.runID == "" && in.data.Err == "") {
		return nil
	}
	return &in.data
}
