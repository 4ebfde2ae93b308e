package headless

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// stream returns a closed channel holding evs, as the engine would deliver
// them for one run.
func stream(evs ...engine.Event) <-chan engine.Event {
	ch := make(chan engine.Event, len(evs))
	for _, e := range evs {
		ch <- e
	}
	close(ch)
	return ch
}

func meta(run, repo string) engine.Meta {
	return engine.Meta{RunID: run, RepoID: repo, Time: t0}
}

func statusDone(repo string, st *git.Status, err error) engine.OpFinished {
	out := engine.OutcomeOK
	if err != nil {
		out = engine.OutcomeFailed
	}
	return engine.OpFinished{
		Meta:     meta("r1", repo),
		Op:       engine.OpStatus,
		OpID:     "op-" + repo,
		Result:   engine.Result{Outcome: out, Status: st, Attempts: 1},
		Err:      err,
		Duration: 12 * time.Millisecond,
	}
}

func finished(s engine.Summary) engine.RunFinished {
	return engine.RunFinished{Meta: meta("r1", ""), Summary: s}
}

func statusFixture() []engine.Event {
	clean := &git.Status{Branch: "main", Upstream: "origin/main",
		Head: git.Commit{SHA: "1111111aaaa", Subject: "init", Author: "A", Time: t0.Add(-3 * 24 * time.Hour)}}
	dirty := &git.Status{Branch: "feat\x1b[31m", Upstream: "origin/feat", Ahead: 2, Behind: 1,
		Staged: 1, Unstaged: 2, Untracked: 3, Stash: 1,
		Head: git.Commit{SHA: "2222222bbbb", Subject: "evil \x1b]0;pwned\x07subject", Author: "B\x07", Time: t0.Add(-2 * time.Hour)}}
	fresh := &git.Status{Branch: "main", NoCommits: true}
	authErr := &git.Error{Op: "status", Kind: git.ErrNotRepository, Detail: "bad\x1b[2Jthing"}
	return []engine.Event{
		engine.RepoFound{Meta: meta("r1", "b"), Repo: engine.Repo{ID: "b", Path: "/abs/b"}},
		engine.OpQueued{Meta: meta("r1", "b"), Op: engine.OpStatus, OpID: "op-b"},
		// An event of another run must be ignored.
		statusDone("zzz", &git.Status{Branch: "x"}, nil),
		statusDone("b", dirty, nil),
		statusDone("a", clean, nil),
		statusDone("c", fresh, nil),
		statusDone("d", nil, authErr),
		finished(engine.Summary{OK: 3, Failed: 1, Duration: 1500 * time.Millisecond}),
	}
}

func fixtureStream() <-chan engine.Event {
	evs := statusFixture()
	other := evs[2].(engine.OpFinished)
	other.RunID = "other"
	evs[2] = other
	return stream(evs...)
}

func TestJSONStatusShapes(t *testing.T) {
	var out bytes.Buffer
	res, err := Present(fixtureStream(), &out, Options{
		Format: FormatJSON, RunID: "r1", ExitCode: func(_ engine.Summary, dirty int) int { return 40 + dirty },
		Paths: map[string]string{"a": "ws/a", "b": "ws/b", "c": "ws/c", "d": "ws/d"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Dirty != 1 || res.ExitCode != 41 {
		t.Fatalf("result %+v", res)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	var objs []map[string]any
	for _, l := range lines {
		if strings.ContainsAny(l, "\x1b\x07") {
			t.Errorf("control character in output line %q", l)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		objs = append(objs, m)
	}
	// 4 repos × (status + op) + summary.
	if len(objs) != 9 {
		t.Fatalf("want 9 lines, got %d:\n%s", len(objs), out.String())
	}
	statusKeys := []string{"type", "path", "branch", "upstream", "ahead", "behind", "staged", "unstaged",
		"untracked", "conflicts", "stash", "state", "head", "error"}
	opKeys := []string{"type", "op", "path", "result", "duration_ms", "error", "run_id", "op_id", "detail", "attempts"}
	sumKeys := []string{"type", "ok", "failed", "skipped", "duration_ms", "exit_code"}
	byPath := map[string]map[string]any{}
	for _, m := range objs {
		switch m["type"] {
		case "status":
			requireKeys(t, m, statusKeys)
			byPath[m["path"].(string)] = m
		case "op":
			requireKeys(t, m, opKeys)
			if m["op"] != "status" || m["run_id"] != "r1" {
				t.Errorf("op object %v", m)
			}
		case "summary":
			requireKeys(t, m, sumKeys)
		default:
			t.Errorf("unexpected type in %v", m)
		}
	}
	if got := objs[len(objs)-1]; got["type"] != "summary" || got["ok"] != 3.0 || got["failed"] != 1.0 ||
		got["skipped"] != 0.0 || got["duration_ms"] != 1500.0 || got["exit_code"] != 41.0 {
		t.Errorf("summary %v", got)
	}
	b := byPath["ws/b"]
	want := map[string]any{"branch": "feat", "upstream": "origin/feat", "ahead": 2.0, "behind": 1.0,
		"staged": 1.0, "unstaged": 2.0, "untracked": 3.0, "conflicts": 0.0, "stash": 1.0, "state": "dirty", "error": nil}
	for k, v := range want {
		if b[k] != v {
			t.Errorf("ws/b %s = %#v, want %#v", k, b[k], v)
		}
	}
	head := b["head"].(map[string]any)
	if head["sha"] != "2222222bbbb" || head["subject"] != "evil subject" || head["author"] != "B" ||
		head["time"] != t0.Add(-2*time.Hour).Format(time.RFC3339) {
		t.Errorf("head %v", head)
	}
	if byPath["ws/c"]["head"] != nil || byPath["ws/c"]["state"] != "no-commits" {
		t.Errorf("no-commits repo %v", byPath["ws/c"])
	}
	d := byPath["ws/d"]
	if d["state"] != StateError || d["error"] != "status: not a git repository: badthing" || d["error_kind"] != "not-a-repository" {
		t.Errorf("failed repo %v", d)
	}
}

func requireKeys(t *testing.T, m map[string]any, keys []string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%v lacks %q", m["type"], k)
		}
	}
}

func TestTextStatusTable(t *testing.T) {
	var out bytes.Buffer
	res, err := Present(fixtureStream(), &out, Options{
		Format: FormatText, RunID: "r1", StatusTable: true, Now: func() time.Time { return t0 }, ExitCode: summaryCode,
		Paths: map[string]string{"a": "ws/a", "b": "ws/b", "c": "ws/c", "d": "ws/d"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != exitFailed {
		t.Errorf("exit code %d", res.ExitCode)
	}
	want := "" +
		"PATH  BRANCH  STATE       ↑↓     CHANGES   STASH  LAST COMMIT\n" +
		"ws/b  feat    dirty       ↑2 ↓1  +1 ~2 ?3  1      2h  evil subject\n" +
		"ws/c  main    no-commits  -      -         -      -\n" +
		"FAIL ws/d  status: not a git repository: badthing\n" +
		"4 repositories, 2 need attention, 1 dirty, 1 failed in 1.5s\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}

	out.Reset()
	if _, err := Present(fixtureStream(), &out, Options{Format: FormatText, RunID: "r1", StatusTable: true, All: true,
		Now: func() time.Time { return t0 }}); err != nil {
		t.Fatal(err)
	}
	// Without Paths, repositories show by the engine's path, else by ID.
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[1], "/abs/b ") || !strings.HasPrefix(lines[2], "a ") ||
		!strings.Contains(lines[2], "clean") || !strings.Contains(lines[2], "3d  init") {
		t.Errorf("--all should list the clean repo too, sorted by path:\n%s", out.String())
	}
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("decoration without Decorate: %q", out.String())
	}
}

func TestTextOpsLines(t *testing.T) {
	authErr := &git.Error{Op: "clone", Kind: git.ErrAuth, Detail: "HTTP 401"}
	evs := stream(
		engine.OpFinished{Meta: meta("r1", "h/o/a"), Op: engine.OpClone, Result: engine.Result{Outcome: engine.OutcomeOK, Detail: "cloned"}},
		engine.OpFinished{Meta: meta("r1", "h/o/b"), Op: engine.OpClone, Result: engine.Result{Outcome: engine.OutcomeFailed}, Err: authErr},
		engine.OpFinished{Meta: meta("r1", "h/o/c"), Op: engine.OpClone, Result: engine.Result{Outcome: engine.OutcomeSkipped, Detail: "exists, skipped"}},
		finished(engine.Summary{OK: 1, Failed: 1, Skipped: 1, AuthFailed: 1, Duration: 250 * time.Millisecond}),
	)
	var out bytes.Buffer
	res, err := Present(evs, &out, Options{Format: FormatText, Paths: map[string]string{"h/o/a": "src/h/o/a"}, ExitCode: summaryCode})
	if err != nil {
		t.Fatal(err)
	}
	want := "ok   src/h/o/a  cloned\n" +
		"FAIL h/o/b  clone: authentication required: HTTP 401 — " + git.Hint(git.ErrAuth) + "\n" +
		"skip h/o/c  exists, skipped\n" +
		"clone: 1 ok, 1 failed, 1 skipped in 250ms\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	if res.ExitCode != exitAuth {
		t.Errorf("exit code %d, want %d", res.ExitCode, exitAuth)
	}
}

func TestJSONOpErrorAndInterrupt(t *testing.T) {
	evs := stream(
		engine.OpFinished{Meta: meta("r1", "x"), Op: engine.OpPull, OpID: "o1",
			Result: engine.Result{Outcome: engine.OutcomeFailed, Attempts: 3},
			Err:    fmt.Errorf("pull x: %w", context.Canceled), Duration: 2 * time.Second},
		finished(engine.Summary{Failed: 1, Interrupted: true, Duration: 2 * time.Second}),
	)
	var out bytes.Buffer
	res, err := Present(evs, &out, Options{Format: FormatJSON, ExitCode: summaryCode})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != exitInterrupted {
		t.Errorf("exit %d", res.ExitCode)
	}
	var op, sum map[string]any
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("lines: %q", lines)
	}
	_ = json.Unmarshal([]byte(lines[0]), &op)
	_ = json.Unmarshal([]byte(lines[1]), &sum)
	if op["result"] != "failed" || op["error"] != "pull x: context canceled" || op["error_kind"] != "interrupted" ||
		op["attempts"] != 3.0 || op["duration_ms"] != 2000.0 || op["path"] != "x" || op["op"] != "pull" {
		t.Errorf("op %v", op)
	}
	if sum["interrupted"] != true || sum["exit_code"] != 130.0 {
		t.Errorf("summary %v", sum)
	}
}

func TestStreamClosedEarly(t *testing.T) {
	res, err := Present(stream(statusDone("a", &git.Status{}, nil)), &bytes.Buffer{}, Options{Format: FormatJSON})
	if !errors.Is(err, ErrStreamClosed) || res.Summary != (engine.Summary{}) {
		t.Fatalf("got %+v, %v", res, err)
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("broken pipe")
}

func TestWriteErrorStillDrains(t *testing.T) {
	ch := make(chan engine.Event, 16)
	for _, e := range statusFixture() {
		ch <- e
	}
	ch <- statusDone("late", &git.Status{}, nil) // after RunFinished: must stay unread
	close(ch)
	w := &failingWriter{}
	res, err := Present(ch, w, Options{Format: FormatJSON})
	if err == nil || res.Summary.OK != 3 {
		t.Fatalf("got %+v, %v", res, err)
	}
	if w.n != 1 {
		t.Errorf("kept writing after the first failure: %d writes", w.n)
	}
	if len(ch) != 1 {
		t.Errorf("presenter must stop at RunFinished; %d events left", len(ch))
	}
}

func TestDecorateOnlyWhenAsked(t *testing.T) {
	var out bytes.Buffer
	if _, err := Present(fixtureStream(), &out, Options{Format: FormatText, RunID: "r1", StatusTable: true, Decorate: true,
		Now: func() time.Time { return t0 }}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), styleRed+"dirty"+styleReset) {
		t.Errorf("want coloured state: %q", out.String())
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"text", "json"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil {
		t.Error("ParseFormat(yaml): want error")
	}
}

// Age is humanize.Age (tested there).
func TestChanges(t *testing.T) {
	if c := Changes(git.Status{Staged: 1, Conflicts: 2}); c != "+1 !2" {
		t.Errorf("Changes = %q", c)
	}
	if c := Changes(git.Status{}); c != "-" {
		t.Errorf("Changes(clean) = %q", c)
	}
}

func TestNoRepositories(t *testing.T) {
	for _, table := range []bool{false, true} {
		var out bytes.Buffer
		res, err := Present(stream(finished(engine.Summary{})), &out, Options{Format: FormatText, StatusTable: table})
		if err != nil || res.ExitCode != 0 || out.String() != "no repositories found\n" {
			t.Errorf("table=%v: %q, %+v, %v", table, out.String(), res, err)
		}
	}
}

// Exit statuses of the stand-in below; app owns the real ones
// (app/exitcode.go), the presenter only reports what it is given.
const (
	exitOK          = 0
	exitFailed      = 1
	exitAuth        = 3
	exitInterrupted = 130
)

// summaryCode stands in for the command layer's exit code mapping (app
// owns the real one): the presenter must report whatever it decides.
func summaryCode(s engine.Summary, _ int) int {
	switch {
	case s.Interrupted:
		return exitInterrupted
	case s.Failed > 0 && s.AuthFailed == s.Failed:
		return exitAuth
	case s.Failed > 0:
		return exitFailed
	}
	return exitOK
}
