package ui

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
)

// runner turns rows into plans, submits them and books the runs: the one
// way every action and flow reaches the engine. It is made afresh from the
// model for each use (model.runner), pointing into the model Update is
// changing; nothing keeps one, since the model is a value that bubbletea
// copies.
type runner struct {
	table     *repotable.Model
	status    *statusbar.Model
	deps      *deps
	runs      map[string]runInfo
	submitted *[]string
	log       zerolog.Logger
}

func (m *model) runner() runner {
	return runner{table: &m.table, status: &m.status, deps: &m.deps, runs: m.runs, submitted: &m.submitted, log: m.log}
}

// jobOf is the job of op on the repository of row r.
func jobOf(r *repotable.Row, op engine.Op) engine.Job {
	return engine.Job{Repo: engine.Repo{ID: r.ID, Path: r.Path, URL: r.URL, Provider: r.Provider, Size: r.Size}, Op: op}
}

// book submits jobs with opts and books the run as info; "" when the
// engine is closed, which the caller reports where it shows results.
func (r runner) book(jobs []engine.Job, opts engine.Options, info runInfo) string {
	id := r.deps.submit(r.deps.ctx, engine.Plan{Jobs: jobs, Options: opts})
	if id == "" {
		return ""
	}
	r.runs[id] = info
	*r.submitted = append(*r.submitted, id)
	r.log.Debug().Str("run_id", id).Str("op", string(info.op)).Int("repos", info.repos).Msg("submitted")
	return id
}

// plan is book that says in the status line when the engine is closed.
func (r runner) plan(jobs []engine.Job, opts engine.Options, info runInfo) string {
	id := r.book(jobs, opts, info)
	if id == "" {
		r.status.Error("the engine is closed")
	}
	return id
}

// submitJobs runs jobs of op with the default options.
func (r runner) submitJobs(op engine.Op, jobs []engine.Job) string {
	return r.plan(jobs, engine.Options{}, runInfo{op: op, repos: len(jobs)})
}

// submit hands one plan to the engine and returns its run ID ("" when
// the engine is closed).
func (r runner) submit(op engine.Op, rows []*repotable.Row) string {
	jobs := make([]engine.Job, 0, len(rows))
	for _, row := range rows {
		jobs = append(jobs, jobOf(row, op))
	}
	return r.submitJobs(op, jobs)
}

// submitOn runs op on the cloned rows among targets, saying what it left
// out.
func (r runner) submitOn(op engine.Op, targets []*repotable.Row) {
	var rows []*repotable.Row
	for _, row := range targets {
		if row.Cloned && !row.Busy() {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		r.status.Error(fmt.Sprintf("%s: nothing to do (not cloned or busy)", op))
		return
	}
	r.submit(op, rows)
	msg := fmt.Sprintf("%s: %d %s", op, len(rows), humanize.Plural(len(rows), "repository", "repositories"))
	if skipped := len(targets) - len(rows); skipped > 0 {
		msg += fmt.Sprintf(" (%d not cloned or busy, left out)", skipped)
	}
	r.status.Info(msg + "…")
}

// idleTargets are the IDs of the cloned, idle rows among the targets.
func (r runner) idleTargets() []string {
	var ids []string
	for _, row := range r.table.Targets() {
		if row.Cloned && !row.Busy() {
			ids = append(ids, row.ID)
		}
	}
	return ids
}

// jobsFor makes jobs of op for the rows with ids that are cloned and idle.
func (r runner) jobsFor(op engine.Op, ids []string) []engine.Job {
	var jobs []engine.Job
	for _, id := range ids {
		if row := r.table.Index().Row(id); row != nil && row.Cloned && !row.Busy() {
			jobs = append(jobs, jobOf(row, op))
		}
	}
	return jobs
}

// clonedIdle are the cloned rows no operation is queued or running on.
func (r runner) clonedIdle() []*repotable.Row {
	var rows []*repotable.Row
	for _, row := range r.table.Index().Rows() {
		if row.Cloned && !row.Busy() {
			rows = append(rows, row)
		}
	}
	return rows
}

// refreshAll reads the status of every cloned repository: the background
// refresh after the first paint.
func (r runner) refreshAll() {
	var rows []*repotable.Row
	for _, row := range r.table.Index().Rows() {
		if row.Cloned {
			rows = append(rows, row)
		}
	}
	if len(rows) > 0 {
		r.submit(engine.OpStatus, rows)
	}
}

// refreshAllKey reads the status of every cloned row, on the user's word;
// false when there is none.
func (r runner) refreshAllKey() bool {
	rows := r.clonedIdle()
	if len(rows) == 0 {
		r.status.Error("refresh: nothing to do (not cloned or busy)")
		return false
	}
	r.submit(engine.OpStatus, rows)
	r.status.Info(fmt.Sprintf("status: %d %s…", len(rows), humanize.Plural(len(rows), "repository", "repositories")))
	return true
}

// refreshQuietly reads the status of rows in a run that reports nothing
// in the status line: the dashboard started it, not the user. It returns
// the run ID, "" when there was nothing to read.
func (r runner) refreshQuietly(rows []*repotable.Row) string {
	if len(rows) == 0 {
		return ""
	}
	id := r.submit(engine.OpStatus, rows)
	if id != "" {
		info := r.runs[id]
		info.quiet = true
		r.runs[id] = info
	}
	return id
}

// refreshRow reads the status of the row id again when it is cloned and
// idle (the user is back from a shell or a tool there: what they did
// shows at once); false when it is not.
func (r runner) refreshRow(id string) bool {
	if row := r.table.Index().Row(id); row != nil && row.Cloned && !row.Busy() {
		r.refreshQuietly([]*repotable.Row{row})
		return true
	}
	return false
}

func (r runner) cloneIDs(ids []string) {
	// The row's Path is the destination the layout chose when the row
	// was built (Options.Dest).
	jobs := make([]engine.Job, 0, len(ids))
	for _, id := range ids {
		if row := r.table.Index().Row(id); row != nil {
			jobs = append(jobs, jobOf(row, engine.OpClone))
		}
	}
	r.submitJobs(engine.OpClone, jobs)
	r.status.Info(fmt.Sprintf("clone: %d %s…", len(jobs), humanize.Plural(len(jobs), "repository", "repositories")))
}

// retry runs the failed operation again on the failed rows of the
// selection, or on every failed row shown when nothing is selected.
func (r runner) retry() {
	var rows []*repotable.Row
	if r.table.Stats().Selected > 0 {
		rows = r.table.Targets()
	} else {
		rows = r.table.Index().Shown()
	}
	perOp := map[engine.Op][]engine.Job{}
	var order []engine.Op
	for _, row := range rows {
		// A command (x) is not retried: the row does not keep it, and
		// running it again is the user's decision.
		if !row.Failed() || row.Busy() || row.Last.Op == string(engine.OpExec) {
			continue
		}
		op := engine.Op(row.Last.Op)
		if _, seen := perOp[op]; !seen {
			order = append(order, op)
		}
		perOp[op] = append(perOp[op], jobOf(row, op))
	}
	if len(order) == 0 {
		r.status.Info("retry: nothing failed")
		return
	}
	n := 0
	for _, op := range order {
		r.submitJobs(op, perOp[op])
		n += len(perOp[op])
	}
	r.status.Info(fmt.Sprintf("retry: %d failed %s…", n, humanize.Plural(n, "operation", "operations")))
}

// finished reports a run of ours in the status line.
func (r runner) finished(ev engine.RunFinished) {
	info, ours := r.runs[ev.RunID]
	if !ours {
		return
	}
	delete(r.runs, ev.RunID)
	if info.quiet {
		return
	}
	s := ev.Summary
	msg := fmt.Sprintf("%s of %d %s: %d ok", info.op, info.repos, humanize.Plural(info.repos, "repository", "repositories"), s.OK)
	if s.Skipped > 0 {
		msg += fmt.Sprintf(", %d skipped", s.Skipped)
	}
	if s.Failed > 0 {
		msg += fmt.Sprintf(", %d failed — enter on a ✗ row for details, R retries", s.Failed)
	}
	msg += fmt.Sprintf(" (%s)", s.Duration.Round(100*1e6))
	if s.Interrupted {
		msg += ", interrupted"
	}
	if s.Failed > 0 {
		r.status.Error(msg)
	} else {
		r.status.Info(msg)
	}
}
