package ui

import (
	"fmt"
	"testing"

	"github.com/mgit-dev/mgit/engine"
)

func TestExecKeyRunsCommandAndShowsResult(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	m = update(t, m, keysOf("x")...)
	mustContain(t, screen(m), "Run which command in 1 repository?")
	m = update(t, m, typed("make test")...)
	m = update(t, m, keysOf("enter")...)
	if len(rec.plans) != 1 {
		t.Fatalf("plans %d, want 1", len(rec.plans))
	}
	p := rec.plans[0]
	if x := p.Options.Exec; len(p.Jobs) != 1 || p.Jobs[0].Op != engine.OpExec || !x.Shell ||
		len(x.Argv) != 1 || x.Argv[0] != "make test" || x.OutputLimit != execOutputLimit {
		t.Fatalf("plan %+v", p)
	}
	repo, run := p.Jobs[0].Repo.ID, rec.ids[0]
	mustContain(t, screen(m), "exec: 1 repository…")

	out := "ok pkg/a\n\x1b]0;pwned\x07FAIL pkg/b\tbad\n"
	m = update(t, m, eventsMsg{
		engine.OpQueued{Meta: meta(run, repo, 1), Op: engine.OpExec},
		engine.OpStarted{Meta: meta(run, repo, 2), Op: engine.OpExec, Attempt: 1},
		engine.OpFinished{Meta: meta(run, repo, 3), Op: engine.OpExec, Result: engine.Result{
			Outcome: engine.OutcomeFailed, Detail: "exit 3",
			Exec: &engine.ExecResult{ExitCode: 3, Output: []engine.ExecChunk{{Data: []byte(out)}}}},
			Err: fmt.Errorf("exec %s: %w: exit status 3", repo, engine.ErrExitStatus)},
		engine.RunFinished{Meta: meta(run, "", 4), Summary: engine.Summary{Failed: 1}},
	})
	s := screen(m)
	mustContain(t, s, "✗ exec exit 3", "exec of 1 repository: 0 ok, 1 failed")

	m = update(t, m, keysOf("enter")...)
	s = screen(m)
	mustContain(t, s, "command output (exit 3)", "ok pkg/a", "FAIL pkg/b    bad")
	mustNotContain(t, s, "pwned", "\x1b]0")
}

func TestExecKeyOnSelectionAndAbandon(t *testing.T) {
	m, rec := newTestModel(t, fixture(t), 120, 40)
	// Every shown row: the upstream-only ones are left out.
	m = update(t, m, keysOf("a", "x")...)
	mustContain(t, screen(m), "Run which command in 6 repositories?")
	m = update(t, m, keysOf("esc")...)
	if len(rec.plans) != 0 {
		t.Fatalf("an abandoned prompt submitted %+v", rec.plans)
	}
	mustNotContain(t, screen(m), "Run which command")
	m = update(t, m, keysOf("x")...)
	m = update(t, m, typed("git gc")...)
	m = update(t, m, keysOf("enter")...)
	if len(rec.plans) != 1 || len(rec.plans[0].Jobs) != 6 {
		t.Fatalf("plans %+v", rec.plans)
	}
	// A failed command is not among what R retries.
	run := rec.ids[0]
	var evs eventsMsg
	for i, j := range rec.plans[0].Jobs {
		evs = append(evs, engine.OpFinished{Meta: meta(run, j.Repo.ID, uint64(i+1)), Op: engine.OpExec,
			Result: engine.Result{Outcome: engine.OutcomeFailed, Exec: &engine.ExecResult{ExitCode: 1}},
			Err:    engine.ErrExitStatus})
	}
	m = update(t, m, evs)
	m = update(t, m, keysOf("esc", "R")...)
	mustContain(t, screen(m), "retry: nothing failed")
	for _, p := range rec.plans[1:] {
		for _, j := range p.Jobs {
			if j.Op == engine.OpExec {
				t.Fatalf("retry resubmitted a command: %+v", p)
			}
		}
	}
}
