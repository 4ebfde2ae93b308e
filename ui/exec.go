package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/prompt"
)

// The branch (b) and command (x) actions share one shape: a question
// over the cloned, idle targets (ask), whose answer (answered) becomes a
// plan on those of them still cloned and idle (planIdle): the answer can
// come long after the question.

// question is the prompt of an action that asks before it plans.
type question struct {
	what        string // names the action in the status line
	text        string // a format of the count and "repository"/"repositories"
	placeholder string
	intent      func(ids []string) any
}

func branchQuestion() question {
	return question{what: "checkout", placeholder: "branch name",
		text:   "Check out which branch in %d %s?\nIt is created where missing: from the remote branch of that name, else from HEAD.",
		intent: func(ids []string) any { return branchIntent{ids: ids} }}
}

func execQuestion() question {
	return question{what: "exec", placeholder: "command line",
		text:   "Run which command in %d %s?\nIt runs through sh -c in each; the exit code shows in LAST OP, the output in the details (enter).",
		intent: func(ids []string) any { return execIntent{ids: ids} }}
}

// ask opens the prompt of q for the cloned, idle targets.
func (m *model) ask(q question) tea.Cmd {
	ids := m.runner().idleTargets()
	if len(ids) == 0 {
		m.status.Error(q.what + ": nothing to do (not cloned or busy)")
		return nil
	}
	text := fmt.Sprintf(q.text, len(ids), humanize.Plural(len(ids), "repository", "repositories"))
	var cmd tea.Cmd
	m.prompt, cmd = prompt.Open(text, q.placeholder, q.intent(ids), m.styles)
	return cmd
}

// answered acts on a prompt's answer ("" when abandoned).
func (m *model) answered(answer string, intent any) tea.Cmd {
	switch in := intent.(type) {
	case branchIntent:
		m.branch.preview(m.runner(), answer, in.ids)
	case execIntent:
		if runExec(m.runner(), answer, in.ids) {
			return m.spin()
		}
	}
	return nil
}

// planIdle submits op with opts on the rows of ids that are still cloned
// and idle; n is how many, 0 (and nothing submitted) when none is. The
// ID is "" when nothing was submitted.
func (r runner) planIdle(op engine.Op, ids []string, opts engine.Options, probe bool) (id string, n int) {
	jobs := r.jobsFor(op, ids)
	if len(jobs) == 0 {
		return "", 0
	}
	return r.plan(jobs, opts, runInfo{op: op, repos: len(jobs), probe: probe}), len(jobs)
}

// execIntent is the command prompt's intent (the x key): the repositories
// to run the command in.
type execIntent struct{ ids []string }

// execOutputLimit is how much of a command's output the dashboard keeps
// per repository: the detail pane shows a screenful, and a thousand rows
// must not each hold mgit exec's whole megabyte.
const execOutputLimit = 64 << 10

// runExec submits the command line to run in ids; false when nothing was
// submitted.
func runExec(r runner, line string, ids []string) bool {
	line = strings.TrimSpace(line)
	if line == "" {
		return false
	}
	id, n := r.planIdle(engine.OpExec, ids, engine.Options{
		Exec: engine.ExecOptions{Argv: []string{line}, Shell: true, OutputLimit: execOutputLimit}}, false)
	if n == 0 {
		r.status.Error("exec: nothing to do (not cloned or busy)")
	}
	if id == "" {
		return false
	}
	r.status.Info(fmt.Sprintf("exec: %d %s…", n, humanize.Plural(n, "repository", "repositories")))
	return true
}
