package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	syncloop "github.com/mgit-dev/mgit/engine/sync"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/telemetry"
)

// syncWorld is one fake organisation: repositories on a smart-HTTP git
// server and a fake GitHub API listing them.
type syncWorld struct {
	git   *gittest.Server
	api   *httptest.Server
	names []string // full names, "org/rN"
	seeds map[string]string

	mu        sync.Mutex
	listCalls int
	failList  bool
}

func newSyncWorld(t *testing.T, n int) *syncWorld {
	t.Helper()
	w := &syncWorld{git: gittest.NewServer(t, gittest.ServerOptions{Token: "git-token"}), seeds: map[string]string{}}
	for i := range n {
		name := fmt.Sprintf("org/r%d", i)
		w.names = append(w.names, name)
		w.seeds[name] = w.git.CreateRepo(t, name)
	}
	w.api = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.listCalls++
		fail := w.failList
		w.mu.Unlock()
		if fail || r.URL.Path != "/api/v3/orgs/org/repos" {
			http.Error(rw, `{"message":"Server Error"}`, http.StatusServiceUnavailable)
			return
		}
		var out []map[string]any
		for _, full := range w.names {
			org, name, _ := strings.Cut(full, "/")
			out = append(out, map[string]any{
				"name": name, "full_name": full, "owner": map[string]any{"login": org},
				"clone_url": w.git.URL(full), "default_branch": "main",
			})
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.Header().Set("X-RateLimit-Remaining", "4999")
		_ = json.NewEncoder(rw).Encode(out)
	}))
	t.Cleanup(w.api.Close)
	return w
}

// testCLI is a cli as Main builds it, logging JSON into a buffer.
func testCLI(t *testing.T, env map[string]string) (*Factory, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	c := &Factory{stdout: io.Discard, stderr: logs, getenv: func(k string) string { return env[k] }}
	c.logs.log = zerolog.New(logs).Level(zerolog.InfoLevel)
	c.g.backend = engine.BackendAuto
	return c, logs
}

// syncBuffer is a bytes.Buffer safe for the engine's concurrent loggers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// listerFor builds the real GitHub provider against the fake API, with
// the observability hooks the command wires.
func (w *syncWorld) listerFor(t *testing.T, obs *observability) repoLister {
	t.Helper()
	p, err := provider.New(provider.Config{
		Name: "gh", Kind: provider.KindGitHub, URL: w.api.URL, Token: "api-token",
		Client:  &http.Client{Transport: obs.tracing.Transport(w.api.Client().Transport, "gh")},
		Observe: obs.observeRequests(),
	})
	if err != nil {
		t.Fatal(err)
	}
	q, err := provider.ParseQuery("org")
	if err != nil {
		t.Fatal(err)
	}
	return providerLister{providers: []provider.Provider{p}, query: q, tracing: obs.tracing}
}

func observeFor(t *testing.T, c *Factory) *observability {
	t.Helper()
	c.g.metricsAddr = "127.0.0.1:0"
	obs, err := c.observe(context.Background(), c.logs.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(obs.close)
	return obs
}

// scrape reads /metrics over HTTP and returns the value of each sample
// line ("name{labels}" → value text).
func scrape(t *testing.T, obs *observability) map[string]string {
	t.Helper()
	resp, err := http.Get("http://" + obs.server.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		out[line[:i]] = line[i+1:]
	}
	return out
}

func wantMetric(t *testing.T, m map[string]string, series, want string) {
	t.Helper()
	if got := m[series]; got != want {
		t.Errorf("%s = %q, want %q", series, got, want)
	}
}

// cloned lists the work trees (or bare mirrors) under dir, as full names.
func cloned(t *testing.T, w *syncWorld, dir string, mirror bool) []string {
	t.Helper()
	var out []string
	for _, full := range w.names {
		marker := ".git"
		if mirror {
			marker = "HEAD"
		}
		if _, err := os.Stat(filepath.Join(w.path(dir, full, mirror), marker)); err == nil {
			out = append(out, full)
		}
	}
	return out
}

// path is where sync keeps the repository full under dir, spelled out
// rather than computed by the code under test, so that a change of the
// on-disk names (which would orphan existing clones and mirrors) fails:
// <dir>/<host, ":" as "_">/<org>/<repo>, ".git" appended for a mirror.
func (w *syncWorld) path(dir, full string, mirror bool) string {
	host := strings.ReplaceAll(strings.ToLower(hostOf(w.git.URL(full))), ":", "_")
	p := filepath.Join(dir, host, filepath.FromSlash(full))
	if mirror {
		p += ".git"
	}
	return p
}

func hostOf(u string) string {
	rm, err := workspace.ParseRemote(u)
	if err != nil {
		panic(err)
	}
	return rm.Host
}

func TestSyncTwoShardsThenIncremental(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 6)
	env := map[string]string{credroute.EnvToken: w.git.Token()}
	dirs := []string{t.TempDir(), t.TempDir()}
	var shardOf = map[string]int{}
	for i, dir := range dirs {
		c, logs := testCLI(t, env)
		obs := observeFor(t, c)
		o := SyncOptions{query: "org", dir: dir, once: true, shard: syncloop.Shard{I: uint64(i), N: 2}}
		if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, code, logs)
		}
		got := cloned(t, w, dir, false)
		for _, full := range got {
			if prev, dup := shardOf[full]; dup {
				t.Errorf("%s cloned by shard %d and %d", full, prev, i)
			}
			shardOf[full] = i
		}
		m := scrape(t, obs)
		n := fmt.Sprint(len(got))
		wantMetric(t, m, `mgit_operations_total{op="clone",result="ok"}`, n)
		wantMetric(t, m, `mgit_operation_duration_seconds_count{op="clone"}`, n)
		wantMetric(t, m, `mgit_operations_in_flight{op="clone"}`, "0")
		wantMetric(t, m, `mgit_repositories{state="clean"}`, n)
		wantMetric(t, m, `mgit_sync_runs_total{result="ok"}`, "1")
		wantMetric(t, m, `mgit_provider_requests_total{code="200",provider="gh"}`, "1")
		wantMetric(t, m, `mgit_provider_rate_limit_remaining{provider="gh"}`, "4999")
		if m["mgit_sync_last_success_timestamp_seconds"] == "0" {
			t.Error("last success timestamp not set")
		}
		if len(got) == 0 {
			t.Errorf("shard %d/2 got no repositories of 6", i)
		}
		for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			if n := strings.Count(line, `"run_id":"`); n != 1 {
				t.Errorf("log line with %d run_id fields: %s", n, line)
			}
			if strings.Contains(line, "api-token") || strings.Contains(line, w.git.Token()) {
				t.Errorf("log line with a secret: %s", line)
			}
		}
		for _, want := range []string{`"message":"provider request"`, `"message":"sync cycle finished"`, `"duration_ms":`, `"op_id":`, `"provider":"gh"`} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("logs lack %s", want)
			}
		}
	}
	if len(shardOf) != len(w.names) {
		t.Fatalf("%d of %d repositories cloned across the shards: %v", len(shardOf), len(w.names), shardOf)
	}

	// Second cycle of shard 0: pulls (fast-forwarding a new upstream
	// commit), no clone.
	var pushed string
	for full, s := range shardOf {
		if s == 0 {
			pushed = full
			break
		}
	}
	sha := gittest.Commit(t, w.seeds[pushed], "new.txt", "new", "upstream change")
	gittest.Push(t, w.seeds[pushed])
	c, logs := testCLI(t, env)
	obs := observeFor(t, c)
	o := SyncOptions{query: "org", dir: dirs[0], once: true, shard: syncloop.Shard{I: 0, N: 2}}
	if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != 0 {
		t.Fatalf("second cycle: exit %d\n%s", code, logs)
	}
	// Every job is a clone; the engine's update mode turns it into a
	// fast-forward of the clone already there, and the cycle counts it so.
	m := scrape(t, obs)
	n := 0
	for _, s := range shardOf {
		if s == 0 {
			n++
		}
	}
	wantMetric(t, m, `mgit_operations_total{op="clone",result="ok"}`, fmt.Sprint(n))
	if want := fmt.Sprintf(`"cloned":0,"updated":%d`, n); !strings.Contains(logs.String(), want) {
		t.Errorf("second cycle's summary lacks %s\n%s", want, logs)
	}
	if head := gittest.Head(t, w.path(dirs[0], pushed, false)); head != sha {
		t.Errorf("%s not fast-forwarded: HEAD %s, want %s", pushed, head, sha)
	}
}

// gatedLister holds List until the gate is closed; entered, when set, is
// told each time List is called.
type gatedLister struct {
	gate    <-chan struct{}
	entered chan<- struct{}
	next    repoLister
}

func (g gatedLister) List(ctx context.Context) ([]provider.Repo, error) {
	if g.entered != nil {
		g.entered <- struct{}{}
	}
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.next.List(ctx)
}

func TestSyncReadinessAndHealth(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 1)
	home := t.TempDir()
	env := map[string]string{credroute.EnvToken: w.git.Token(), "HOME": home}
	c, logs := testCLI(t, env)
	obs := observeFor(t, c)
	addr := obs.server.Addr()
	health := func(args ...string) int {
		return Main(context.Background(), append([]string{"health", "--addr", addr}, args...), io.Discard, io.Discard,
			func(k string) string { return env[k] })
	}

	gate := make(chan struct{})
	cycles := make(chan int, 4)
	ctx, cancel := context.WithCancel(context.Background())
	o := SyncOptions{query: "org", dir: t.TempDir(), interval: time.Hour, grace: 5 * time.Second,
		onCycle: func(_ int, c syncloop.CycleOutcome) { cycles <- syncCycleExitCode(c) }}
	done := make(chan int, 1)
	entered := make(chan struct{}, 4)
	go func() {
		done <- syncLoop(ctx, c, o, gatedLister{gate: gate, entered: entered, next: w.listerFor(t, obs)}, obs)
	}()
	<-entered // the first cycle is listing, and will not finish before the gate opens

	if code := health(); code != 0 {
		t.Errorf("health before the first cycle: exit %d, want 0", code)
	}
	// Ready as soon as the providers and tokens are resolved: a rollout
	// (helm --atomic, a StatefulSet's one-pod-at-a-time) must not wait
	// for a first cycle that may take hours. The first cycle has its own
	// metric.
	if err := telemetry.Probe(ctx, addr, "/readyz", 30*time.Second); err != nil {
		t.Errorf("/readyz before the first cycle: %v, want 200", err)
	}
	if code := health("--ready"); code != 0 {
		t.Errorf("health --ready before the first cycle: exit %d, want 0", code)
	}
	wantMetric(t, scrape(t, obs), "mgit_sync_first_cycle_done", "0")
	close(gate)
	if code := <-cycles; code != 0 {
		t.Fatalf("cycle exit %d\n%s", code, logs)
	}
	wantMetric(t, scrape(t, obs), "mgit_sync_first_cycle_done", "1")
	if code := health("--ready"); code != 0 {
		t.Errorf("health --ready after the first cycle: exit %d, want 0", code)
	}
	if code := health(); code != 0 {
		t.Errorf("health after the first cycle: exit %d", code)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("stopped between cycles: exit %d, want 0", code)
	}
	if code := Main(context.Background(), []string{"health", "--addr", "127.0.0.1:1"}, io.Discard, io.Discard,
		func(k string) string { return env[k] }); code != 1 {
		t.Errorf("health of nothing: exit %d, want 1", code)
	}
}

func TestSyncFailedCycleIsNotReady(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 1)
	w.failList = true
	c, logs := testCLI(t, map[string]string{})
	obs := observeFor(t, c)
	o := SyncOptions{query: "org", dir: t.TempDir(), once: true}
	if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, logs)
	}
	if ok, reason := obs.ready.Get(); ok || !strings.Contains(reason, "failed") {
		t.Errorf("ready after a failed cycle: %v %q", ok, reason)
	}
	m := scrape(t, obs)
	wantMetric(t, m, `mgit_sync_runs_total{result="failed"}`, "1")
	wantMetric(t, m, `mgit_provider_requests_total{code="503",provider="gh"}`, "4") // 4 attempts
}

func TestSyncMirror(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 2)
	dir := t.TempDir()
	for cycle := 1; cycle <= 2; cycle++ {
		c, logs := testCLI(t, map[string]string{credroute.EnvToken: w.git.Token()})
		obs := observeFor(t, c)
		o := SyncOptions{query: "org", dir: dir, once: true, mirror: true}
		if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != 0 {
			t.Fatalf("cycle %d: exit %d\n%s", cycle, code, logs)
		}
		m := scrape(t, obs)
		wantMetric(t, m, `mgit_operations_total{op="clone",result="ok"}`, "2")
		wantMetric(t, m, `mgit_repositories{state="mirror"}`, "2")
		if want := map[int]string{1: `"cloned":2,"updated":0`, 2: `"cloned":0,"updated":2`}[cycle]; !strings.Contains(logs.String(), want) {
			t.Errorf("cycle %d's summary lacks %s\n%s", cycle, want, logs)
		}
	}
	if got := cloned(t, w, dir, true); len(got) != 2 {
		t.Fatalf("mirrors: %v", got)
	}
}

// TestSyncTraceTree: a cycle's spans form run → operation → request: the
// provider requests under the discovery span, the clones under the run.
func TestSyncTraceTree(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 2)
	c, logs := testCLI(t, map[string]string{credroute.EnvToken: w.git.Token()})
	obs := observeFor(t, c)
	var rec *telemetry.SpanRecorder
	obs.tracing, rec = telemetry.NewTracingRecorded()
	o := SyncOptions{query: "org", dir: t.TempDir(), once: true}
	if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != 0 {
		t.Fatalf("exit %d\n%s", code, logs)
	}
	spans := rec.Spans()
	var run, discover telemetry.SpanData
	for _, s := range spans {
		switch s.Name {
		case "mgit sync cycle":
			run = s
		case "discover":
			discover = s
		}
	}
	if run.Name == "" || discover.ParentID != run.SpanID {
		t.Fatalf("no run span, or discovery not under it: %v", spanNames(spans))
	}
	var requests, clones int
	for _, s := range spans {
		switch {
		case strings.HasPrefix(s.Name, "GET "):
			requests++
			if s.ParentID != discover.SpanID {
				t.Errorf("request span %s not under discovery", s.Name)
			}
		case s.Name == "clone":
			clones++
			if s.ParentID != run.SpanID {
				t.Errorf("clone span not under the run")
			}
		}
	}
	if requests != 1 || clones != 2 {
		t.Errorf("%d request spans, %d clone spans: %v", requests, clones, spanNames(spans))
	}
}

func spanNames(spans []telemetry.SpanData) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}
