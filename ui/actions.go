package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/confirm"
	"github.com/mgit-dev/mgit/ui/components/repotable"
)

// action handles the keys that submit work.
func (m *model) action(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Fetch):
		m.submitOn(engine.OpFetch, m.table.Targets())
	case key.Matches(msg, k.Pull):
		m.submitOn(engine.OpPull, m.table.Targets())
	case key.Matches(msg, k.Refresh):
		m.submitOn(engine.OpStatus, m.table.Targets())
	case key.Matches(msg, k.Clone):
		return m.clone()
	case key.Matches(msg, k.Retry):
		m.retry()
	case key.Matches(msg, k.Branch):
		return m.branch()
	case key.Matches(msg, k.RefreshAll):
		return m.refreshAllKey()
	case key.Matches(msg, k.Rescan):
		return m.rescan()
	case key.Matches(msg, k.Open):
		return m.openWeb()
	case key.Matches(msg, k.Shell):
		return m.shell()
	case key.Matches(msg, k.Exec):
		return m.execPrompt()
	case key.Matches(msg, k.Edit):
		return m.editor()
	case key.Matches(msg, k.Lazygit):
		return m.lazygit()
	case key.Matches(msg, k.Log):
		m.openLog()
		return nil
	case key.Matches(msg, k.Diff):
		return m.openDiff()
	default:
		return nil
	}
	return m.spin()
}

// refreshAll reads the status of every cloned repository: the background
// refresh after the first paint.
func (m *model) refreshAll() {
	var rows []*repotable.Row
	for _, r := range m.table.Rows() {
		if r.Cloned {
			rows = append(rows, r)
		}
	}
	if len(rows) > 0 {
		m.submit(engine.OpStatus, rows)
	}
}

// submitOn runs op on the cloned rows among targets, saying what it left
// out.
func (m *model) submitOn(op engine.Op, targets []*repotable.Row) {
	var rows []*repotable.Row
	for _, r := range targets {
		if r.Cloned && !r.Busy() {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		m.status.Error(fmt.Sprintf("%s: nothing to do (not cloned or busy)", op))
		return
	}
	m.submit(op, rows)
	msg := fmt.Sprintf("%s: %d %s", op, len(rows), humanize.Plural(len(rows), "repository", "repositories"))
	if skipped := len(targets) - len(rows); skipped > 0 {
		msg += fmt.Sprintf(" (%d not cloned or busy, left out)", skipped)
	}
	m.status.Info(msg + "…")
}

// submit hands one plan to the engine and returns its run ID ("" when
// the engine is closed).
func (m *model) submit(op engine.Op, rows []*repotable.Row) string {
	jobs := make([]engine.Job, 0, len(rows))
	for _, r := range rows {
		jobs = append(jobs, engine.Job{Repo: engine.Repo{ID: r.ID, Path: r.Path, URL: r.URL, Provider: r.Provider}, Op: op})
	}
	return m.submitJobs(op, jobs)
}

func (m *model) submitJobs(op engine.Op, jobs []engine.Job) string {
	id := m.deps.submit(m.deps.ctx, engine.Plan{Jobs: jobs})
	if id == "" {
		m.status.Error("the engine is closed")
		return ""
	}
	m.runs[id] = runInfo{op: op, repos: len(jobs)}
	m.submitted = append(m.submitted, id)
	m.log.Debug().Str("run_id", id).Str("op", string(op)).Int("repos", len(jobs)).Msg("submitted")
	return id
}

// clone clones the upstream-only rows among the targets, asking first when
// there is more than one.
func (m *model) clone() tea.Cmd {
	var ids []string
	for _, r := range m.table.Targets() {
		if !r.Cloned && !r.Busy() {
			ids = append(ids, r.ID)
		}
	}
	switch len(ids) {
	case 0:
		m.status.Error("clone: no repository in the selection is missing")
		return nil
	case 1:
		m.cloneIDs(ids)
		return m.spin()
	}
	m.confirm = confirm.Open(fmt.Sprintf("Clone %d repositories?", len(ids)), cloneIntent{ids: ids})
	return nil
}

func (m *model) cloneIDs(ids []string) {
	// The row's Path is the destination the layout chose when the row
	// was built (Options.Dest).
	jobs := make([]engine.Job, 0, len(ids))
	for _, id := range ids {
		if r := m.table.Row(id); r != nil {
			jobs = append(jobs, engine.Job{Repo: engine.Repo{ID: r.ID, Path: r.Path, URL: r.URL, Provider: r.Provider}, Op: engine.OpClone})
		}
	}
	m.submitJobs(engine.OpClone, jobs)
	m.status.Info(fmt.Sprintf("clone: %d %s…", len(jobs), humanize.Plural(len(jobs), "repository", "repositories")))
}

// retry runs the failed operation again on the failed rows of the
// selection, or on every failed row shown when nothing is selected.
func (m *model) retry() {
	var rows []*repotable.Row
	if m.table.Stats().Selected > 0 {
		rows = m.table.Targets()
	} else {
		rows = m.table.Shown()
	}
	perOp := map[engine.Op][]engine.Job{}
	var order []engine.Op
	for _, r := range rows {
		// A command (x) is not retried: the row does not keep it, and
		// running it again is the user's decision.
		if !r.Failed() || r.Busy() || r.Last.Op == string(engine.OpExec) {
			continue
		}
		op := engine.Op(r.Last.Op)
		if _, seen := perOp[op]; !seen {
			order = append(order, op)
		}
		perOp[op] = append(perOp[op], engine.Job{Repo: engine.Repo{ID: r.ID, Path: r.Path, URL: r.URL, Provider: r.Provider}, Op: op})
	}
	if len(order) == 0 {
		m.status.Info("retry: nothing failed")
		return
	}
	n := 0
	for _, op := range order {
		m.submitJobs(op, perOp[op])
		n += len(perOp[op])
	}
	m.status.Info(fmt.Sprintf("retry: %d failed %s…", n, humanize.Plural(n, "operation", "operations")))
}

// runFinished reports a run of ours in the status line.
func (m *model) runFinished(ev engine.RunFinished) {
	m.refreshFinished(ev)
	info, ours := m.runs[ev.RunID]
	if !ours {
		return
	}
	delete(m.runs, ev.RunID)
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
		m.status.Error(msg)
	} else {
		m.status.Info(msg)
	}
}

// busyText says how many operations run and how many wait: "8 operations
// are running, 7925 queued."
func busyText(st repotable.Stats) string {
	q := st.Busy - st.Running
	if st.Running == 0 {
		return fmt.Sprintf("%d %s queued.", q, humanize.Plural(q, "operation is", "operations are"))
	}
	s := fmt.Sprintf("%d %s running", st.Running, humanize.Plural(st.Running, "operation is", "operations are"))
	if q > 0 {
		s += fmt.Sprintf(", %d queued", q)
	}
	return s + "."
}

// busyWriting reports whether a row has an operation other than a status
// read queued or running: one that quitting would cut short.
func (m *model) busyWriting() bool {
	if m.table.Stats().Busy == 0 {
		return false
	}
	for _, r := range m.table.Rows() {
		if r.Busy() && (r.Active > 1 || r.Op != engine.OpStatus) {
			return true
		}
	}
	return false
}
