package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

func finished(repo string, out engine.Outcome, st *git.Status, err error) engine.OpFinished {
	return engine.OpFinished{Meta: engine.Meta{RunID: "r", RepoID: repo}, Op: engine.OpStatus,
		Result: engine.Result{Outcome: out, Status: st}, Err: err}
}

// TestTapStates: the tap passes every event through in order, keeps
// mgit_repositories{state} current as states change, and once the
// presenter has gone keeps draining the engine without blocking it.
func TestTapStates(t *testing.T) {
	c, _ := testCLI(t, map[string]string{})
	obs := observeFor(t, c)
	in := make(chan engine.Event)
	stop := make(chan struct{})
	out := obs.tapStates(in, stop)

	clean := &git.Status{Branch: "main", Upstream: "origin/main"}
	dirty := &git.Status{Branch: "main", Upstream: "origin/main", Unstaged: 1}
	evs := []engine.Event{
		finished("a", engine.OutcomeOK, clean, nil),
		finished("b", engine.OutcomeOK, clean, nil),
		finished("c", engine.OutcomeFailed, nil, &git.Error{Op: "fetch", Kind: git.ErrAuth}),
		finished("b", engine.OutcomeOK, dirty, nil), // b changes state: clean 2 → 1
		finished("d", engine.OutcomeFailed, nil, errors.New("boom")),
	}
	for _, ev := range evs {
		in <- ev
		if got := <-out; got.EventMeta().RepoID != ev.EventMeta().RepoID {
			t.Fatalf("tap passed %v for %v", got, ev)
		}
	}
	m := scrape(t, obs)
	wantMetric(t, m, `mgit_repositories{state="clean"}`, "1")
	wantMetric(t, m, `mgit_repositories{state="dirty"}`, "1")
	wantMetric(t, m, `mgit_repositories{state="needs-credentials"}`, "1")
	wantMetric(t, m, `mgit_repositories{state="failed"}`, "1")

	// The presenter is gone: the engine's sends still complete, the tap
	// still counts, and it closes its copy when the engine closes.
	close(stop)
	in <- finished("a", engine.OutcomeOK, dirty, nil)
	in <- finished("e", engine.OutcomeOK, dirty, nil)
	close(in)
	for range out {
	}
	wantMetric(t, scrape(t, obs), `mgit_repositories{state="dirty"}`, "3")

	// Without the listener nobody can scrape: the stream is not copied.
	c2, _ := testCLI(t, map[string]string{})
	o2, err := c2.observe(context.Background(), c2.logs.log)
	if err != nil {
		t.Fatal(err)
	}
	defer o2.close()
	raw := make(chan engine.Event)
	if o2.tapStates(raw, stop) != (<-chan engine.Event)(raw) {
		t.Fatal("copied the stream with no listener")
	}
}

// TestStatusRecordsRepositoryStates: a one-shot status run with the
// listener on leaves mgit_repositories{state} saying what it found.
func TestStatusRecordsRepositoryStates(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, name := range []string{"one", "two"} {
		gittest.InitRepo(t, filepath.Join(root, name))
		gittest.Commit(t, filepath.Join(root, name), "f", "x", "init")
	}
	gittest.WriteFile(t, filepath.Join(root, "two"), "f", "changed")
	c, _ := configured(t, providerTestEnv(t), &config.Config{})
	obs := observeFor(t, c) // the test's: execute leaves it open to scrape
	jobs, paths, err := c.workspacePlan(context.Background(), root, engine.OpStatus)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.execute(context.Background(), engine.Plan{Jobs: jobs}, paths, view{obs: obs}); err != nil {
		t.Fatal(err)
	}
	if c.code != exitOK {
		t.Fatalf("exit %d", c.code)
	}
	m := scrape(t, obs)
	// No upstream is configured in these repositories.
	wantMetric(t, m, `mgit_repositories{state="no-upstream"}`, "1")
	wantMetric(t, m, `mgit_repositories{state="dirty"}`, "1")
	wantMetric(t, m, `mgit_operations_total{op="status",result="ok"}`, "2")
}

// TestHealthIgnoresConfig: health probes the listener and nothing else, so
// a configuration problem (a 0644 file, a MGIT_CONFIG that does not exist)
// never turns a running container's HEALTHCHECK red.
func TestHealthIgnoresConfig(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	env := providerTestEnv(t)
	open := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(open, []byte("providers:\n  - name: w\n    type: github\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil { // past the umask
		t.Fatal(err)
	}
	if code, _, stderr := run(t, env, "--config", open, "list", "acme/*"); code != exitUsage {
		t.Fatalf("list with a 0644 config: exit %d, want 2 (the case health must ignore)\n%s", code, stderr)
	}
	for _, args := range [][]string{
		{"--config", open, "health", "--addr", addr},
		{"--config", filepath.Join(t.TempDir(), "missing.yaml"), "health", "--addr", addr},
	} {
		if code, out, stderr := run(t, env, args...); code != 0 || strings.TrimSpace(out) != "ok" {
			t.Errorf("%v: exit %d %q\n%s", args, code, out, stderr)
		}
	}
}
