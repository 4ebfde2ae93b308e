package headless

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
)

func execDone(repo string, code int, out []engine.ExecChunk, truncated bool) engine.OpFinished {
	res := engine.Result{Outcome: engine.OutcomeOK, Attempts: 1, Detail: fmt.Sprintf("exit %d", code),
		Exec: &engine.ExecResult{ExitCode: code, Output: out, Truncated: truncated}}
	var err error
	if code != 0 {
		res.Outcome = engine.OutcomeFailed
		err = fmt.Errorf("exec %s: %w: exit status %d", repo, engine.ErrExitStatus, code)
	}
	return engine.OpFinished{Meta: meta("r1", repo), Op: engine.OpExec, OpID: "op-" + repo, Result: res, Err: err, Duration: time.Millisecond}
}

func execLineEv(repo, text string, stderr bool) engine.OpProgress {
	return engine.OpProgress{Meta: meta("r1", repo), Op: engine.OpExec, OpID: "op-" + repo,
		Output: &engine.ExecLine{Stderr: stderr, Text: text}}
}

func execFixture() []engine.Event {
	return []engine.Event{
		engine.RepoFound{Meta: meta("r1", "a"), Repo: engine.Repo{ID: "a", Path: "/w/a"}},
		engine.RepoFound{Meta: meta("r1", "b\x1b[2J"), Repo: engine.Repo{ID: "b\x1b[2J", Path: "/w/b\x1b[2J"}},
		execDone("a", 0, []engine.ExecChunk{{Data: []byte("one\n\x1b]0;pwned\x07two\tcol\r\n")}, {Stderr: true, Data: []byte("warn\n")}}, false),
		execDone("b\x1b[2J", 3, []engine.ExecChunk{{Data: []byte("partial")}}, true),
		finished(engine.Summary{OK: 1, Failed: 1, Duration: time.Second}),
	}
}

func TestExecGroupedText(t *testing.T) {
	var buf bytes.Buffer
	res, err := Present(stream(execFixture()...), &buf, Options{Format: FormatText, RunID: "r1", ExitCode: summaryCode})
	if err != nil || res.ExitCode != exitFailed {
		t.Fatalf("exit %d, err %v", res.ExitCode, err)
	}
	want := "==> /w/a\n" +
		"one\n" +
		"two\tcol\n" +
		"warn\n" +
		"==> /w/b\n" +
		"partial\n" +
		"[output truncated]\n" +
		"FAIL /w/b  exec b: command failed: exit status 3\n" +
		"exec: 1 ok, 1 failed, 0 skipped in 1.0s\n"
	if got := buf.String(); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.ContainsAny(buf.String(), "\x1b\x07\r") {
		t.Fatal("a control character reached the output")
	}
}

func TestExecStreamedText(t *testing.T) {
	evs := []engine.Event{
		engine.RepoFound{Meta: meta("r1", "a"), Repo: engine.Repo{ID: "a", Path: "/w/a"}},
		execLineEv("a", "one", false),
		execLineEv("a", "bad\x1b[31m", true),
		execDone("a", 2, []engine.ExecChunk{{Data: []byte("one\n")}, {Stderr: true, Data: []byte("bad\n")}}, false),
		finished(engine.Summary{Failed: 1, Duration: time.Second}),
	}
	var buf bytes.Buffer
	res, err := Present(stream(evs...), &buf, Options{Format: FormatText, RunID: "r1", ExecStream: true, ExitCode: summaryCode})
	if err != nil || res.ExitCode != exitFailed {
		t.Fatalf("exit %d, err %v", res.ExitCode, err)
	}
	want := "/w/a: one\n/w/a: bad\nFAIL /w/a  exec a: command failed: exit status 2\nexec: 0 ok, 1 failed, 0 skipped in 1.0s\n"
	if got := buf.String(); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestExecJSON(t *testing.T) {
	evs := execFixture()
	evs = append(evs[:2:2], append([]engine.Event{execLineEv("a", "one", false)}, evs[2:]...)...)
	var buf bytes.Buffer
	res, err := Present(stream(evs...), &buf, Options{Format: FormatJSON, RunID: "r1", ExitCode: summaryCode})
	if err != nil || res.ExitCode != exitFailed {
		t.Fatalf("exit %d, err %v", res.ExitCode, err)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	out, a, b, sum := lines[0], lines[1], lines[2], lines[3]
	if out["type"] != "output" || out["stream"] != "stdout" || out["line"] != "one" || out["path"] != "/w/a" {
		t.Errorf("output line %v", out)
	}
	if a["type"] != "op" || a["op"] != "exec" || a["error_kind"] != nil || a["exit_code"] != 0.0 || a["stdout"] != "one\ntwo\tcol\n" ||
		a["stderr"] != "warn\n" || a["truncated"] != nil {
		t.Errorf("op a %v", a)
	}
	if b["exit_code"] != 3.0 || b["error_kind"] != "exit-status" || b["result"] != "failed" || b["truncated"] != true || b["stdout"] != "partial" || b["repo"] != "b" {
		t.Errorf("op b %v", b)
	}
	if sum["type"] != "summary" || sum["exit_code"] != 1.0 {
		t.Errorf("summary %v", sum)
	}
}

// TestNonExecOpsHaveNoExecFields: the exec fields are absent from every
// other operation's line, so the op shape is unchanged for them.
func TestNonExecOpsHaveNoExecFields(t *testing.T) {
	var buf bytes.Buffer
	if _, err := Present(fixtureStream(), &buf, Options{Format: FormatJSON, RunID: "r1"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{`"exit_code":0,`, `"stdout"`, `"stderr"`, `"truncated"`} {
		for _, l := range strings.Split(buf.String(), "\n") {
			if strings.Contains(l, `"type":"op"`) && strings.Contains(l, f) {
				t.Fatalf("%s in %s", f, l)
			}
		}
	}
}
