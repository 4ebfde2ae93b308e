package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

type ctxKey struct{}

// tracingObserver records Observer and OpTracer calls.
type tracingObserver struct {
	mu      sync.Mutex
	started []string
	ended   map[string]Outcome
	ctxVals []any
}

func (o *tracingObserver) OpStarted(Op)                          {}
func (o *tracingObserver) OpFinished(Op, Outcome, time.Duration) {}

func (o *tracingObserver) StartOp(ctx context.Context, op Op, repo Repo, opID string) func(Outcome, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.started = append(o.started, opID+" "+string(op)+" "+repo.ID+" "+repo.Provider)
	o.ctxVals = append(o.ctxVals, ctx.Value(ctxKey{}))
	return func(out Outcome, _ error) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.ended[opID] = out
	}
}

func TestOpTracerAndRunID(t *testing.T) {
	obs := &tracingObserver{ended: map[string]Outcome{}}
	var logBuf bytes.Buffer
	var logMu sync.Mutex
	w := zerolog.SyncWriter(writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return logBuf.Write(p)
	}))
	fb := &fakeBackend{}
	jobs := repos(2, "h", OpFetch)
	jobs[0].Repo.Provider = "work"
	cfg := Config{Backend: fb, Observer: obs, Logger: zerolog.New(w), Retry: fastRetry}
	ctx := context.WithValue(context.Background(), ctxKey{}, "run-span")
	res := submit(t, cfg, ctx, Plan{Jobs: jobs, RunID: "cycle-7"})

	if res.events[0].EventMeta().RunID != "cycle-7" {
		t.Fatalf("run ID %q, want the plan's", res.events[0].EventMeta().RunID)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if len(obs.started) != 2 || len(obs.ended) != 2 || obs.ended["cycle-7.1"] != OutcomeOK {
		t.Fatalf("tracer calls: started %v ended %v", obs.started, obs.ended)
	}
	for _, v := range obs.ctxVals {
		if v != "run-span" {
			t.Errorf("StartOp did not get the run's context: %v", v)
		}
	}
	// The op lines carry op_id, op, repo, provider (when known) and duration_ms.
	found := false
	for _, line := range strings.Split(strings.TrimSpace(logBuf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["message"] != "op finished" || m["repo"] != jobs[0].Repo.ID {
			continue
		}
		found = true
		for _, k := range []string{"run_id", "op_id", "op", "repo", "provider", "duration_ms"} {
			if _, ok := m[k]; !ok {
				t.Errorf("op line without %s: %s", k, line)
			}
		}
	}
	if !found {
		t.Fatalf("no op finished line for %s in %s", jobs[0].Repo.ID, logBuf.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestMirrorCloneAndFetch: Options.Mirror makes a bare mirror with both
// backends, and a fetch job brings a new upstream branch into it.
func TestMirrorCloneAndFetch(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "tok"})
	seed := srv.CreateRepo(t, "org/app")
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			dest := filepath.Join(root, "org", "app.git")
			repo := Repo{ID: "org/app.git", Path: dest, URL: srv.URL("org/app"), Host: strings.Split(srv.URL("org/app"), "/")[2]}
			cfg := Config{Backend: be, Credentials: tokenSource(srv.Token()), Retry: fastRetry}
			opt := Options{Mirror: true}
			res := submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpClone}}, Options: opt})
			if fin := res.finished[repo.ID][0]; fin.Result.Outcome != OutcomeOK {
				t.Fatalf("mirror clone: %+v %v", fin.Result, fin.Err)
			}
			if got := gittest.Git(t, dest, "rev-parse", "--is-bare-repository"); got != "true" {
				t.Fatalf("not bare: %s", got)
			}
			branch := "feature-" + name
			gittest.Git(t, seed, "checkout", "-b", branch)
			sha := gittest.Commit(t, seed, "f.txt", "x", "feature")
			gittest.Git(t, seed, "push", "origin", branch)
			gittest.Git(t, seed, "checkout", "main")

			res = submit(t, cfg, context.Background(), Plan{Jobs: []Job{{Repo: repo, Op: OpFetch}}, Options: opt})
			if fin := res.finished[repo.ID][0]; fin.Result.Outcome != OutcomeOK || fin.Result.Status != nil {
				t.Fatalf("mirror fetch: %+v %v", fin.Result, fin.Err)
			}
			if got := gittest.Git(t, dest, "rev-parse", "refs/heads/"+branch); got != sha {
				t.Fatalf("mirror %s = %s, want %s", branch, got, sha)
			}
			if leftovers(t, root) != nil {
				t.Fatalf("left behind: %v", leftovers(t, root))
			}
		})
	}
}
