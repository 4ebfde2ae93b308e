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
	k, r := m.keys, m.runner()
	switch {
	case key.Matches(msg, k.Fetch):
		r.submitOn(engine.OpFetch, m.table.Targets())
	case key.Matches(msg, k.Pull):
		r.submitOn(engine.OpPull, m.table.Targets())
	case key.Matches(msg, k.Refresh):
		r.submitOn(engine.OpStatus, m.table.Targets())
	case key.Matches(msg, k.Clone):
		return m.clone()
	case key.Matches(msg, k.Retry):
		r.retry()
	case key.Matches(msg, k.Branch):
		return m.ask(branchQuestion())
	case key.Matches(msg, k.RefreshAll):
		if !r.refreshAllKey() {
			return nil
		}
	case key.Matches(msg, k.Rescan):
		return m.live.rescan(&m.status, &m.deps)
	case key.Matches(msg, k.Open):
		return openWeb(m.table.Cursor(), m.deps.browse)
	case key.Matches(msg, k.Shell):
		return m.tool("shell", func(r *repotable.Row) (tea.Cmd, error) { return shellCmd(r, m.deps.shell), nil })
	case key.Matches(msg, k.Exec):
		return m.ask(execQuestion())
	case key.Matches(msg, k.Edit):
		return m.tool("edit", func(r *repotable.Row) (tea.Cmd, error) { return editorCmd(r, m.deps.editor) })
	case key.Matches(msg, k.Lazygit):
		return m.tool("lazygit", lazygitCmd)
	case key.Matches(msg, k.Log, k.Diff):
		r := m.table.Cursor()
		if r == nil {
			return nil
		}
		m.mode = modePager
		if key.Matches(msg, k.Diff) {
			return m.git.openDiff(m.deps.ctx, r)
		}
		m.git.openLog(m.runner(), r)
		return nil
	default:
		return nil
	}
	return m.spin()
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
		m.runner().cloneIDs(ids)
		return m.spin()
	}
	m.confirm = confirm.Open(fmt.Sprintf("Clone %d repositories?", len(ids)), cloneIntent{ids: ids})
	return nil
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
func busyWriting(t *repotable.Model) bool {
	if t.Stats().Busy == 0 {
		return false
	}
	for _, r := range t.Rows() {
		if r.Busy() && (r.Active > 1 || r.Op != engine.OpStatus) {
			return true
		}
	}
	return false
}
