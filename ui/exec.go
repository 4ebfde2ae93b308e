package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/prompt"
)

// execIntent is the command prompt's intent (the x key): the repositories
// to run the command in.
type execIntent struct{ ids []string }

// execOutputLimit is how much of a command's output the dashboard keeps
// per repository: the detail pane shows a screenful, and a thousand rows
// must not each hold mgit exec's whole megabyte.
const execOutputLimit = 64 << 10

// answered acts on a prompt's answer ("" when abandoned).
func (m *model) answered(answer string, intent any) tea.Cmd {
	switch in := intent.(type) {
	case branchIntent:
		m.previewBranch(answer, in.ids)
	case execIntent:
		return m.runExec(answer, in.ids)
	}
	return nil
}

// execPrompt asks for the command line to run in the cloned, idle targets.
func (m *model) execPrompt() tea.Cmd {
	var ids []string
	for _, r := range m.table.Targets() {
		if r.Cloned && !r.Busy() {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		m.status.Error("exec: nothing to do (not cloned or busy)")
		return nil
	}
	q := fmt.Sprintf("Run which command in %d %s?\nIt runs through sh -c in each; the exit code shows in LAST OP, the output in the details (enter).",
		len(ids), humanize.Plural(len(ids), "repository", "repositories"))
	var cmd tea.Cmd
	m.prompt, cmd = prompt.Open(q, "command line", execIntent{ids: ids}, m.styles)
	return cmd
}

// runExec submits the command line to run in ids.
func (m *model) runExec(line string, ids []string) tea.Cmd {
	line = strings.TrimSpace(line)
	if line == "" {
		return nil
	}
	jobs := m.runner().jobsFor(engine.OpExec, ids)
	if len(jobs) == 0 {
		m.status.Error("exec: nothing to do (not cloned or busy)")
		return nil
	}
	id := m.deps.submit(m.deps.ctx, engine.Plan{Jobs: jobs, Options: engine.Options{
		Exec: engine.ExecOptions{Argv: []string{line}, Shell: true, OutputLimit: execOutputLimit}}})
	if id == "" {
		m.status.Error("the engine is closed")
		return nil
	}
	m.runs[id] = runInfo{op: engine.OpExec, repos: len(jobs)}
	m.submitted = append(m.submitted, id)
	m.status.Info(fmt.Sprintf("exec: %d %s…", len(jobs), humanize.Plural(len(jobs), "repository", "repositories")))
	return m.spin()
}
