package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// execRepos makes n real repositories in a temporary directory.
func execRepos(t *testing.T, n int) []Repo {
	t.Helper()
	root := t.TempDir()
	var out []Repo
	for i := range n {
		id := "r" + strconv.Itoa(i)
		dir := filepath.Join(root, id)
		gittest.InitRepo(t, dir)
		gittest.Commit(t, dir, "f", id, "c")
		out = append(out, Repo{ID: id, Path: dir})
	}
	return out
}

func execPlan(rs []Repo, opt ExecOptions) Plan {
	var jobs []Job
	for _, r := range rs {
		jobs = append(jobs, Job{Repo: r, Op: OpExec})
	}
	return Plan{Jobs: jobs, Options: Options{Exec: opt}}
}

func execConfig(t *testing.T) Config {
	return Config{Backend: &fakeBackend{}, LockDir: t.TempDir()}
}

func TestExecRunsInEachRepository(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 3)
	// The third repository's command fails with status 3.
	gittest.WriteFile(t, rs[2].Path, "fail", "")
	script := `pwd; echo to-stderr >&2; if [ -e fail ]; then exit 3; fi`
	res := submit(t, execConfig(t), context.Background(), execPlan(rs, ExecOptions{Argv: []string{script}, Shell: true}))
	if res.summary.OK != 2 || res.summary.Failed != 1 {
		t.Fatalf("summary %+v", res.summary)
	}
	for i, r := range rs {
		fin := res.finished[r.ID]
		if len(fin) != 1 || fin[0].Result.Exec == nil {
			t.Fatalf("%s: %+v", r.ID, fin)
		}
		x := fin[0].Result.Exec
		if got := strings.TrimSpace(x.Stdout()); got != r.Path {
			t.Errorf("%s: ran in %q, want %q", r.ID, got, r.Path)
		}
		// Two pipes: the order across them is as read, not as written.
		if c := x.Combined(); x.Stderr() != "to-stderr\n" || len(c) != len(r.Path)+len("\nto-stderr\n") || !strings.Contains(c, "to-stderr\n") {
			t.Errorf("%s: stderr %q, combined %q", r.ID, x.Stderr(), x.Combined())
		}
		want := 0
		if i == 2 {
			want = 3
		}
		if x.ExitCode != want {
			t.Errorf("%s: exit %d, want %d", r.ID, x.ExitCode, want)
		}
		if (want != 0) != errors.Is(fin[0].Err, ErrExitStatus) {
			t.Errorf("%s: err %v", r.ID, fin[0].Err)
		}
	}
}

// TestExecWithoutShellPassesArgumentsVerbatim: without --shell nothing
// interprets the arguments.
func TestExecWithoutShellPassesArgumentsVerbatim(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	res := submit(t, execConfig(t), context.Background(), execPlan(rs, ExecOptions{Argv: []string{"echo", "$HOME", "a;b", "*"}}))
	if got := res.finished[rs[0].ID][0].Result.Exec.Stdout(); got != "$HOME a;b *\n" {
		t.Fatalf("stdout %q", got)
	}
}

// TestExecHidesSecrets: neither MGIT_* nor the variables SecretEnv names
// reach the command; the rest of the environment does.
func TestExecHidesSecrets(t *testing.T) {
	gittest.Isolate(t)
	t.Setenv("MGIT_TOKEN", "mgit-secret-1")
	t.Setenv("MGIT_TOKEN_WORK", "mgit-secret-2")
	t.Setenv("GITHUB_TOKEN", "gh-secret-3")
	t.Setenv("EXEC_VISIBLE", "visible-4")
	rs := execRepos(t, 1)
	cfg := execConfig(t)
	cfg.SecretEnv = func(k string) bool { return k == "GITHUB_TOKEN" }
	res := submit(t, cfg, context.Background(), execPlan(rs, ExecOptions{Argv: []string{"env"}}))
	out := res.finished[rs[0].ID][0].Result.Exec.Stdout()
	for _, s := range []string{"mgit-secret-1", "mgit-secret-2", "gh-secret-3", "MGIT_"} {
		if strings.Contains(out, s) {
			t.Errorf("the command saw %q:\n%s", s, out)
		}
	}
	if !strings.Contains(out, "EXEC_VISIBLE=visible-4") {
		t.Errorf("the user's environment is missing:\n%s", out)
	}
}

func TestExecCapsOutput(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	res := submit(t, execConfig(t), context.Background(),
		execPlan(rs, ExecOptions{Argv: []string{"printf 0123456789; printf abcdef"}, Shell: true, OutputLimit: 12}))
	x := res.finished[rs[0].ID][0].Result.Exec
	if x.Combined() != "0123456789ab" || !x.Truncated || x.ExitCode != 0 {
		t.Fatalf("kept %q truncated %v exit %d", x.Combined(), x.Truncated, x.ExitCode)
	}
	if res.summary.OK != 1 {
		t.Fatalf("a capped output is not a failure: %+v", res.summary)
	}
}

// TestExecStreamsLines: with Stream every line arrives as an OpProgress
// before OpFinished, in the order written, the last one without its
// newline too.
func TestExecStreamsLines(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	res := submit(t, execConfig(t), context.Background(),
		execPlan(rs, ExecOptions{Argv: []string{`echo one; echo two >&2; printf 'three\r\nfour'`}, Shell: true, Stream: true}))
	var lines, errs []string
	finished := false
	for _, ev := range res.events {
		switch ev := ev.(type) {
		case OpProgress:
			if finished {
				t.Fatal("a line after OpFinished")
			}
			if ev.Output == nil {
				continue
			}
			if ev.Output.Stderr {
				errs = append(errs, ev.Output.Text)
				continue
			}
			lines = append(lines, ev.Output.Text)
		case OpFinished:
			finished = true
		}
	}
	if got := strings.Join(lines, "|"); got != "one|three|four" {
		t.Fatalf("stdout lines %q", got)
	}
	if got := strings.Join(errs, "|"); got != "two" {
		t.Fatalf("stderr lines %q", got)
	}
}

func TestExecCommandNotFound(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	res := submit(t, execConfig(t), context.Background(), execPlan(rs, ExecOptions{Argv: []string{"mgit-no-such-command-here"}}))
	fin := res.finished[rs[0].ID][0]
	if fin.Result.Outcome != OutcomeFailed || fin.Result.Exec.ExitCode != -1 || fin.Err == nil {
		t.Fatalf("%+v", fin)
	}
}

// waitForFile polls for a marker a child writes: the synchronisation point
// of the cancellation tests (a guard against hangs, not a timing).
func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 && b[len(b)-1] == '\n' {
			return strings.TrimSpace(string(b))
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gone reports whether pid has exited (absent, or a zombie awaiting its
// reaper).
func gone(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) != nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i > 0 && len(s) > i+2 && s[i+2] == 'Z'
}

// TestExecCancelStopsTheWholeGroup: cancelling the run kills the shell and
// what it started, and the run finishes interrupted.
func TestExecCancelStopsTheWholeGroup(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	marker := filepath.Join(t.TempDir(), "pid")
	script := `sleep 300 & echo $! > ` + marker + `; wait`
	ctx, cancel := context.WithCancel(context.Background())
	e := New(execConfig(t))
	id := e.Submit(ctx, execPlan(rs, ExecOptions{Argv: []string{script}, Shell: true}))
	pid, err := strconv.Atoi(waitForFile(t, marker))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	res := collect(t, e, id)
	e.Close()
	if !res.summary.Interrupted {
		t.Fatalf("summary %+v", res.summary)
	}
	if fin := res.finished[rs[0].ID][0]; !errors.Is(fin.Err, context.Canceled) {
		t.Fatalf("err %v", fin.Err)
	}
	// Wait returned, so the group was signalled; SIGKILL follows SIGTERM
	// within killGrace, and sleep dies of SIGTERM at once.
	deadline := time.Now().Add(10 * time.Second)
	for !gone(pid) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the command's child %d outlived the cancellation", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestExecHoldsOffWriters: while a command runs, an operation that changes
// the repository waits for it (and says so), then runs.
func TestExecHoldsOffWriters(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	gittest.Git(t, rs[0].Path, "branch", "other")
	tmp := t.TempDir()
	started, release := filepath.Join(tmp, "started"), filepath.Join(tmp, "release")
	script := `echo > ` + started + `; while [ ! -e ` + release + ` ]; do sleep 0.01; done`
	cfg := execConfig(t)
	cfg.Backend = cli.New()
	e := New(cfg)
	defer e.Close()
	// On failure: let the command end, so Close returns.
	defer func() { _ = os.WriteFile(release, nil, 0o600) }()
	execID := e.Submit(context.Background(), execPlan(rs, ExecOptions{Argv: []string{script}, Shell: true}))
	waitForFile(t, started)
	coID := e.Submit(context.Background(), Plan{Jobs: []Job{{Repo: rs[0], Op: OpCheckout}}, Options: Options{Branch: "other"}})
	var waited, execDone bool
	for ev := range e.Events() {
		switch ev := ev.(type) {
		case OpProgress:
			if ev.RunID == coID && strings.HasPrefix(ev.Progress.Phase, "Waiting for") {
				waited = true
				if err := os.WriteFile(release, nil, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		case OpFinished:
			if ev.RunID == coID && !execDone {
				t.Fatal("the checkout ran while the command did")
			}
			if ev.RunID == execID {
				execDone = true
			}
			if ev.RunID == coID && ev.Result.Outcome != OutcomeOK {
				t.Fatalf("checkout: %+v %v", ev.Result, ev.Err)
			}
		case RunFinished:
			if ev.RunID == coID {
				if !waited {
					t.Fatal("the checkout never waited for the command")
				}
				return
			}
		}
	}
}

// TestExecRunsBesideExec: two commands in one repository (two runs, as two
// mgit processes would) run at the same time: each waits for the other's
// marker, which an exclusive lock would never let appear.
func TestExecRunsBesideExec(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	tmp := t.TempDir()
	a, b := filepath.Join(tmp, "a"), filepath.Join(tmp, "b")
	script := func(mine, other string) string {
		return `echo > ` + mine + `; while [ ! -e ` + other + ` ]; do sleep 0.01; done`
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := New(execConfig(t))
	defer e.Close()
	defer cancel() // on failure: stop the commands, so Close returns
	go func() {
		// Drain what comes after a failure, so the cancelled runs end.
		<-ctx.Done()
		for range e.Events() {
		}
	}()
	ids := map[string]bool{
		e.Submit(ctx, execPlan(rs, ExecOptions{Argv: []string{script(a, b)}, Shell: true})): true,
		e.Submit(ctx, execPlan(rs, ExecOptions{Argv: []string{script(b, a)}, Shell: true})): true,
	}
	timeout := time.After(30 * time.Second) // a guard against the deadlock, not a timing
	for len(ids) > 0 {
		select {
		case ev := <-e.Events():
			switch ev := ev.(type) {
			case OpFinished:
				if ev.Result.Outcome != OutcomeOK {
					t.Fatalf("%+v %v", ev.Result, ev.Err)
				}
			case RunFinished:
				delete(ids, ev.RunID)
			}
		case <-timeout:
			t.Fatal("the two commands did not run side by side")
		}
	}
}

// TestExecNonZeroIsNotAWarning: a command's non-zero exit is its verdict,
// shown in the output; the log line is info, not a warning on stderr.
func TestExecNonZeroIsNotAWarning(t *testing.T) {
	gittest.Isolate(t)
	rs := execRepos(t, 1)
	var logs bytes.Buffer
	cfg := execConfig(t)
	cfg.Logger = zerolog.New(&logs)
	res := submit(t, cfg, context.Background(), execPlan(rs, ExecOptions{Argv: []string{"false"}}))
	if res.summary.Failed != 1 {
		t.Fatalf("summary %+v", res.summary)
	}
	found := false
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if m["message"] == "op finished" {
			found = true
			if m["level"] != "info" || m["outcome"] != "failed" || m["error"] == nil {
				t.Errorf("log line %v", m)
			}
		}
	}
	if !found {
		t.Fatalf("no op finished line:\n%s", logs.String())
	}
}
