package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/ui/components/confirm"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
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

// branchFlow is the branch action's state between its steps: the dry
// run whose results the confirm dialog will show.
type branchFlow struct {
	pending *previewState // nil: none is being computed
}

// previewState is the dry run whose results the confirm dialog will show.
type previewState struct {
	runID, branch string
	ids           []string
	results       []engine.OpFinished
}

// preview submits the dry run of checking out name in ids.
func (b *branchFlow) preview(r runner, name string, ids []string) {
	if err := git.ValidateBranch(name); err != nil {
		r.status.Error("checkout: " + err.Error())
		return
	}
	id, n := r.planIdle(engine.OpCheckout, ids, engine.Options{Branch: name, CreateBranch: true, DryRun: true}, true)
	if id == "" {
		return
	}
	b.pending = &previewState{runID: id, branch: name, ids: ids}
	r.status.Info(fmt.Sprintf("checkout %s: checking %d %s…", name, n, humanize.Plural(n, "repository", "repositories")))
}

// probeEvent takes an event of a dry-run (preview) run: it never reaches
// the table, whose rows show what happened, not what would. The last
// event of the current preview opens the confirm dialog; a superseded
// preview's are dropped.
func (b *branchFlow) probe(ev engine.Event, status *statusbar.Model, dialog *confirm.Model) {
	p := b.pending
	if p == nil || ev.EventMeta().RunID != p.runID {
		return
	}
	switch ev := ev.(type) {
	case engine.OpFinished:
		p.results = append(p.results, ev)
	case engine.RunFinished:
		b.pending = nil
		v := tally(p.results)
		if len(v.ahead) == 0 {
			status.Error(fmt.Sprintf("checkout %s: nothing to do: %s", safetext.Sanitize(p.branch), v.summary()))
			return
		}
		if dialog.Active() {
			status.Error("checkout " + p.branch + ": preview ready, but another question is open; press b again")
			return
		}
		status.Info("checkout " + p.branch + ": confirm to go ahead")
		*dialog = confirm.Open(previewText(p.branch, v), checkoutIntent{branch: p.branch, ids: v.ahead})
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
func checkout(r runner, in checkoutIntent) {
	id, n := r.planIdle(engine.OpCheckout, in.ids, engine.Options{Branch: in.branch, CreateBranch: true}, false)
	if n == 0 {
		r.status.Error("checkout: nothing to do (not cloned or busy)")
	}
	if id == "" {
		return
	}
	r.status.Info(fmt.Sprintf("checkout %s: %d %s…", in.branch, n, humanize.Plural(n, "repository", "repositories")))
}
