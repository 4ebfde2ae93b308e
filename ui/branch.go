package ui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/confirm"
	"github.com/mgit-dev/mgit/ui/components/prompt"
	"github.com/mgit-dev/mgit/ui/safetext"
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
		len(ids), humanize.Plural(len(ids), "repository", "repositories"))
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
	jobs := m.runner().jobsFor(engine.OpCheckout, ids)
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
	m.status.Info(fmt.Sprintf("checkout %s: checking %d %s…", name, len(jobs), humanize.Plural(len(jobs), "repository", "repositories")))
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
		v := tally(p.results)
		if len(v.ahead) == 0 {
			m.status.Error(fmt.Sprintf("checkout %s: nothing to do: %s", safetext.Sanitize(p.branch), v.summary()))
			return
		}
		if m.confirm.Active() {
			m.status.Error("checkout " + p.branch + ": preview ready, but another question is open; press b again")
			return
		}
		m.status.Info("checkout " + p.branch + ": confirm to go ahead")
		m.confirm = confirm.Open(previewText(p.branch, v), checkoutIntent{branch: p.branch, ids: v.ahead})
	}
}

// verdicts counts what the dry run found. A refused repository is one the
// real checkout would refuse for the same reason (the engine runs the same
// checks): it is named, and left out of the checkout.
type verdicts struct {
	ahead                               []string // the repositories the checkout goes to
	current, have, track, create, carry int
	refused                             []refusal
}

type refusal struct{ id, why string }

func tally(results []engine.OpFinished) verdicts {
	var v verdicts
	for _, f := range results {
		if f.Err != nil {
			v.refused = append(v.refused, refusal{f.RepoID, refusalReason(f.Err)})
			continue
		}
		switch f.Result.Checkout {
		case engine.CheckoutCurrent:
			v.current++
			continue
		case engine.CheckoutSwitch:
			v.have++
		case engine.CheckoutTrack:
			v.track++
		case engine.CheckoutCreate:
			v.create++
		}
		if f.Result.Status != nil && f.Result.Status.Dirty() {
			v.carry++
		}
		v.ahead = append(v.ahead, f.RepoID)
	}
	return v
}

// refusalReason is the cause of a refused dry run in a few words, with
// git's own detail (the files in the way) when there is one.
func refusalReason(err error) string {
	why := err.Error()
	var ge *git.Error
	if errors.As(err, &ge) && ge.Detail != "" {
		why = ge.Detail
	}
	switch {
	case errors.Is(err, git.ErrBranchInUse):
		return why // git's own words name the other worktree
	case errors.Is(err, git.ErrNoCommits):
		return "no commits yet to branch from"
	case errors.Is(err, git.ErrNoSuchBranch):
		return "no such branch here or on a remote"
	}
	return why
}

func (v verdicts) summary() string {
	n := len(v.refused)
	parts := []string{}
	if v.current > 0 {
		parts = append(parts, fmt.Sprintf("%d already on it", v.current))
	}
	if n > 0 {
		parts = append(parts, fmt.Sprintf("%d refused (%s)", n, safetext.Sanitize(v.refused[0].why)))
	}
	return strings.Join(parts, ", ")
}

// maxRefusals is how many refused repositories the dialog names.
const maxRefusals = 3

// previewText says what the checkout would do, from the dry run's verdicts.
func previewText(branch string, v verdicts) string {
	n := len(v.ahead)
	branch = safetext.Sanitize(branch)
	lines := []string{fmt.Sprintf("Check out %s in %d %s?", branch, n, humanize.Plural(n, "repository", "repositories")), ""}
	add := func(k int, format string, args ...any) {
		if k > 0 {
			lines = append(lines, "• "+fmt.Sprintf(format, args...))
		}
	}
	if v.track+v.create > 0 {
		add(v.track+v.create, "%d %s %s, to be created:", v.track+v.create, humanize.Plural(v.track+v.create, "lacks", "lack"), branch)
		lines = append(lines, fmt.Sprintf("  %d from upstream, %d from HEAD", v.track, v.create))
	}
	add(v.have, "%d %s it already", v.have, humanize.Plural(v.have, "has", "have"))
	add(v.carry, "%d %s local changes, not in the way: carried over", v.carry, humanize.Plural(v.carry, "has", "have"))
	add(v.current, "%d %s on it (left alone)", v.current, humanize.Plural(v.current, "is", "are"))
	if k := len(v.refused); k > 0 {
		add(k, "%d would be refused by git and %s left alone:", k, humanize.Plural(k, "is", "are"))
		for i, r := range v.refused {
			if i == maxRefusals {
				lines = append(lines, fmt.Sprintf("  and %d more", k-maxRefusals))
				break
			}
			lines = append(lines, "  "+safetext.Sanitize(r.id)+": "+strings.TrimRight(termtext.Fit(safetext.Sanitize(r.why), 100), " "))
		}
	}
	return strings.Join(lines, "\n")
}

// checkout submits the confirmed checkout.
func (m *model) checkout(in checkoutIntent) {
	jobs := m.runner().jobsFor(engine.OpCheckout, in.ids)
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
	m.status.Info(fmt.Sprintf("checkout %s: %d %s…", in.branch, len(jobs), humanize.Plural(len(jobs), "repository", "repositories")))
}
