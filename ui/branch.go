package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/ui/components/confirm"
	"github.com/mgit-dev/mgit/ui/components/prompt"
	"github.com/mgit-dev/mgit/ui/termtext"
)

// The branch action runs in three steps, each ending in a message the
// next one reacts to: a prompt for the name (branchIntent), a dry-run
// checkout of the targets whose results make the preview (previewState),
// and a confirm dialog whose yes submits the real checkout
// (checkoutIntent). The engine decides every step; the dashboard only
// counts.

// branchIntent is the prompt's intent: the repositories to check out in.
type branchIntent struct{ ids []string }

// checkoutIntent is the confirm dialog's intent.
type checkoutIntent struct {
	branch string
	ids    []string
}

// previewState is the dry run whose results the confirm dialog will show.
type previewState struct {
	runID, branch string
	ids           []string
	results       []engine.OpFinished
}

// branch opens the prompt for the cloned, idle targets.
func (m *model) branch() tea.Cmd {
	var ids []string
	for _, r := range m.table.Targets() {
		if r.Cloned && !r.Busy() {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		m.status.Error("checkout: nothing to do (not cloned or busy)")
		return nil
	}
	q := fmt.Sprintf("Check out which branch in %d %s?\nIt is created where missing: from the remote branch of that name, else from HEAD.",
		len(ids), plural(len(ids), "repository", "repositories"))
	var cmd tea.Cmd
	m.prompt, cmd = prompt.Open(q, "branch name", branchIntent{ids: ids}, m.styles)
	return cmd
}

// previewBranch submits the dry run of checking out name in ids.
func (m *model) previewBranch(name string, ids []string) {
	if err := git.ValidateBranch(name); err != nil {
		m.status.Error("checkout: " + err.Error())
		return
	}
	jobs := m.jobsFor(engine.OpCheckout, ids)
	if len(jobs) == 0 {
		return
	}
	id := m.deps.submit(m.deps.ctx, engine.Plan{Jobs: jobs,
		Options: engine.Options{Branch: name, CreateBranch: true, DryRun: true}})
	if id == "" {
		m.status.Error("the engine is closed")
		return
	}
	m.runs[id] = runInfo{op: engine.OpCheckout, repos: len(jobs), probe: true}
	m.submitted = append(m.submitted, id)
	m.preview = &previewState{runID: id, branch: name, ids: ids}
	m.status.Info(fmt.Sprintf("checkout %s: checking %d %s…", name, len(jobs), plural(len(jobs), "repository", "repositories")))
}

// probeEvent takes an event of a dry-run (preview) run: it never reaches
// the table, whose rows show what happened, not what would. The last
// event of the current preview opens the confirm dialog; a superseded
// preview's are dropped.
func (m *model) probeEvent(ev engine.Event) {
	p := m.preview
	if p == nil || ev.EventMeta().RunID != p.runID {
		return
	}
	switch ev := ev.(type) {
	case engine.OpFinished:
		p.results = append(p.results, ev)
	case engine.RunFinished:
		m.preview = nil
		if m.confirm.Active() {
			m.status.Error("checkout " + p.branch + ": preview ready, but another question is open; press b again")
			return
		}
		m.status.Info("checkout " + p.branch + ": confirm to go ahead")
		m.confirm = confirm.Open(previewText(p), checkoutIntent{branch: p.branch, ids: p.ids})
	}
}

// previewText counts what the dry run found.
func previewText(p *previewState) string {
	var current, have, track, create, dirty, failed int
	for _, f := range p.results {
		if f.Result.Status != nil && f.Result.Status.Dirty() {
			dirty++
		}
		switch {
		case f.Err != nil:
			failed++
		case f.Result.Checkout == engine.CheckoutCurrent:
			current++
		case f.Result.Checkout == engine.CheckoutSwitch:
			have++
		case f.Result.Checkout == engine.CheckoutTrack:
			track++
		case f.Result.Checkout == engine.CheckoutCreate:
			create++
		}
	}
	n := len(p.results)
	branch := termtext.Sanitize(p.branch)
	lines := []string{fmt.Sprintf("Check out %s in %d %s?", branch, n, plural(n, "repository", "repositories")), ""}
	add := func(k int, format string, args ...any) {
		if k > 0 {
			lines = append(lines, "• "+fmt.Sprintf(format, args...))
		}
	}
	add(dirty, "%d %s local changes", dirty, plural(dirty, "has", "have"))
	if track+create > 0 {
		add(track+create, "%d %s %s, to be created:", track+create, plural(track+create, "lacks", "lack"), branch)
		lines = append(lines, fmt.Sprintf("  %d from upstream, %d from HEAD", track, create))
	}
	add(have, "%d %s it already", have, plural(have, "has", "have"))
	add(current, "%d %s on it", current, plural(current, "is", "are"))
	add(failed, "%d could not be read (see their rows after the run)", failed)
	if dirty > 0 {
		lines = append(lines, "", "git refuses where local changes are in the way: nothing is lost.")
	}
	return strings.Join(lines, "\n")
}

// checkout submits the confirmed checkout.
func (m *model) checkout(in checkoutIntent) {
	jobs := m.jobsFor(engine.OpCheckout, in.ids)
	if len(jobs) == 0 {
		m.status.Error("checkout: nothing to do (not cloned or busy)")
		return
	}
	id := m.deps.submit(m.deps.ctx, engine.Plan{Jobs: jobs,
		Options: engine.Options{Branch: in.branch, CreateBranch: true}})
	if id == "" {
		m.status.Error("the engine is closed")
		return
	}
	m.runs[id] = runInfo{op: engine.OpCheckout, repos: len(jobs)}
	m.submitted = append(m.submitted, id)
	m.status.Info(fmt.Sprintf("checkout %s: %d %s…", in.branch, len(jobs), plural(len(jobs), "repository", "repositories")))
}

// jobsFor makes jobs of op for the rows with ids that are cloned and idle.
func (m *model) jobsFor(op engine.Op, ids []string) []engine.Job {
	var jobs []engine.Job
	for _, id := range ids {
		if r := m.table.Row(id); r != nil && r.Cloned && !r.Busy() {
			jobs = append(jobs, engine.Job{Repo: engine.Repo{ID: r.ID, Path: r.Path, URL: r.URL, Provider: r.Provider}, Op: op})
		}
	}
	return jobs
}
