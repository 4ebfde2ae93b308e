package headless

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
)

func fetchDone(repo string, outcome engine.Outcome, refs *git.RefChanges, detail string, err error) engine.OpFinished {
	return engine.OpFinished{Meta: meta("r1", repo), Op: engine.OpFetch, OpID: "op-" + repo,
		Result: engine.Result{Outcome: outcome, Refs: refs, Detail: detail, Attempts: 1}, Err: err,
		Duration: 845575 * time.Microsecond}
}

func changesFixture() []engine.Event {
	moved := &git.RefChanges{Branch: "main", Incoming: 3, NewBranches: []string{"origin/a", "origin/b"}, NewTags: []string{"v1"}}
	same := &git.RefChanges{Branch: "main"}
	return []engine.Event{
		fetchDone("moved", engine.OutcomeOK, moved, moved.String(), nil),
		fetchDone("same", engine.OutcomeOK, same, same.String(), nil),
		fetchDone("local", engine.OutcomeSkipped, nil, "no remote", nil),
		fetchDone("broken", engine.OutcomeFailed, nil, "", fmt.Errorf("fetch broken: %w", &git.Error{Op: "fetch", Kind: git.ErrNetwork})),
		finished(engine.Summary{OK: 2, Failed: 1, Skipped: 1, Duration: 3*time.Minute + 4*time.Second + 19*time.Millisecond}),
	}
}

func TestTextChangesAndChangedOnly(t *testing.T) {
	for _, c := range []struct {
		changedOnly bool
		want        string
	}{
		{false, "ok   moved  main ↓3, +2 branches, +1 tag\n" +
			"ok   same  unchanged\n" +
			"skip local  no remote\n" +
			"FAIL broken  fetch broken: fetch: network error — check the network and the server; transient failures were retried\n" +
			"fetch: 2 ok, 1 failed, 1 skipped in 3m04s\n"},
		// The unchanged and the skipped go; the failure and the summary,
		// which still counts all four, stay.
		{true, "ok   moved  main ↓3, +2 branches, +1 tag\n" +
			"FAIL broken  fetch broken: fetch: network error — check the network and the server; transient failures were retried\n" +
			"fetch: 2 ok, 1 failed, 1 skipped in 3m04s\n"},
	} {
		var out bytes.Buffer
		if _, err := Present(stream(changesFixture()...), &out, Options{ChangedOnly: c.changedOnly}); err != nil {
			t.Fatal(err)
		}
		if out.String() != c.want {
			t.Errorf("changed-only %v: got:\n%s\nwant:\n%s", c.changedOnly, out.String(), c.want)
		}
	}
}

func TestJSONChangesAndChangedOnly(t *testing.T) {
	var out bytes.Buffer
	if _, err := Present(stream(changesFixture()...), &out, Options{Format: FormatJSON, ChangedOnly: true}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("want moved, broken and the summary, got %q", lines)
	}
	var op struct {
		Repo    string
		Detail  string
		Changes *struct {
			Changed     bool
			Branch      string
			Incoming    int
			NewBranches []string `json:"new_branches"`
			NewTags     []string `json:"new_tags"`
			Pruned      []string `json:"pruned_branches"`
			Summary     string
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &op); err != nil {
		t.Fatal(err)
	}
	c := op.Changes
	if op.Repo != "moved" || c == nil || !c.Changed || c.Branch != "main" || c.Incoming != 3 ||
		len(c.NewBranches) != 2 || len(c.NewTags) != 1 || c.Pruned == nil || c.Summary != op.Detail {
		t.Errorf("op %s", lines[0])
	}
	var sum map[string]any
	_ = json.Unmarshal([]byte(lines[2]), &sum)
	if sum["type"] != "summary" || sum["ok"] != 2.0 || sum["skipped"] != 1.0 || sum["failed"] != 1.0 {
		t.Errorf("summary does not count every repository: %s", lines[2])
	}
}

// TestInterruptedRunIsOneLine: an interrupted run lists what finished and
// ends with one line counting the rest, instead of a line per operation
// that never ran.
func TestInterruptedRunIsOneLine(t *testing.T) {
	evs := []engine.Event{}
	clone := func(repo string, res engine.Result, err error) engine.OpFinished {
		return engine.OpFinished{Meta: meta("r1", repo), Op: engine.OpClone, OpID: "op-" + repo, Result: res, Err: err}
	}
	evs = append(evs, clone("done", engine.Result{Outcome: engine.OutcomeOK, Detail: "cloned"}, nil))
	evs = append(evs, clone("busy", engine.Result{Outcome: engine.OutcomeSkipped, Detail: "stopped", Cancelled: engine.CancelStopped},
		fmt.Errorf("clone busy: cancelled")))
	for i := range 900 {
		evs = append(evs, clone(fmt.Sprintf("q%03d", i), engine.Result{Outcome: engine.OutcomeSkipped, Detail: "not started", Cancelled: engine.CancelNotStarted}, nil))
	}
	evs = append(evs, finished(engine.Summary{OK: 1, Stopped: 1, NotStarted: 900, Interrupted: true, Duration: 1249 * time.Millisecond}))
	var out bytes.Buffer
	res, err := Present(stream(evs...), &out, Options{ExitCode: summaryCode})
	if err != nil {
		t.Fatal(err)
	}
	want := "ok   done  cloned\ninterrupted: 1 cloned, 1 stopped, 900 not started in 1.2s\n"
	if out.String() != want || res.ExitCode != exitInterrupted {
		t.Errorf("exit %d, got:\n%s\nwant:\n%s", res.ExitCode, out.String(), want)
	}
}
