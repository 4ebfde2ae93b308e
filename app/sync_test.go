package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
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
func testCLI(t *testing.T, env map[string]string) (*cli, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	c := &cli{stdout: io.Discard, stderr: logs, getenv: func(k string) string { return env[k] }}
	c.log = zerolog.New(logs).Level(zerolog.InfoLevel)
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

func observeFor(t *testing.T, c *cli) *observability {
	t.Helper()
	c.g.metricsAddr = "127.0.0.1:0"
	obs, err := c.observe(context.Background(), c.log)
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

// leftovers finds temporary clones anywhere under dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), workspace.TempCloneMarker) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSyncTwoShardsThenIncremental(t *testing.T) {
	gittest.Isolate(t)
	w := newSyncWorld(t, 6)
	env := map[string]string{envToken: w.git.Token()}
	dirs := []string{t.TempDir(), t.TempDir()}
	var shardOf = map[string]int{}
	for i, dir := range dirs {
		c, logs := testCLI(t, env)
		obs := observeFor(t, c)
		o := syncOptions{query: "org", dir: dir, once: true, shard: shard{uint64(i), 2}}
		if code := c.runSync(context.Background(), o, w.listerFor(t, obs), obs); code != 0 {
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
	o := syncOptions{query: "org", dir: dirs[0], once: true, shard: shard{0, 2}}
	if code := c.runSync(context.Background(), o, w.listerFor(t, obs), obs); code != 0 {
		t.Fatalf("second cycle: exit %d\n%s", code, logs)
	}
	m := scrape(t, obs)
	wantMetric(t, m, `mgit_operations_total{op="clone",result="ok"}`, "")
	n := 0
	for _, s := range shardOf {
		if s == 0 {
			n++
		}
	}
	wantMetric(t, m, `mgit_operations_total{op="pull",result="ok"}`, fmt.Sprint(n))
	if head := gittest.Head(t, w.path(dirs[0], pushed, false)); head != sha {
		t.Errorf("%s not fast-forwarded: HEAD %s, want %s", pushed, head, sha)
	}
}

func TestShardHashIsStableAndCaseInsensitive(t *testing.T) {
	a := provider.Repo{Provider: "GH", FullName: "Org/Repo"}
	b := provider.Repo{Provider: "gh", FullName: "org/repo"}
	for n := uint64(1); n <= 7; n++ {
		kept := 0
		for i := range n {
			s := shard{i, n}
			if s.keeps(a) != s.keeps(b) {
				t.Fatalf("case changes the shard")
			}
			if s.keeps(a) {
				kept++
			}
		}
		if kept != 1 {
			t.Fatalf("kept by %d of %d shards", kept, n)
		}
	}
	// The documented hash: FNV-1a 64 of the lower-cased "provider/full name"
	// mod N, computed here independently, so replicas built from other
	// versions (or other tools) agree.
	want := fnvOf("gh/org/repo") % 7
	if !(shard{want, 7}).keeps(a) {
		t.Fatalf("gh/org/repo not in shard %d/7", want)
	}
	for _, bad := range []string{"2/2", "1", "a/b", "0/0", "-1/3"} {
		if _, err := parseShard(bad); err == nil {
			t.Errorf("parseShard(%q) accepted", bad)
		}
	}
}

func fnvOf(s string) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= prime
	}
	return h
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
	gittest.Isolate(t)
	w := newSyncWorld(t, 1)
	home := t.TempDir()
	env := map[string]string{envToken: w.git.Token(), "HOME": home}
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
	o := syncOptions{query: "org", dir: t.TempDir(), interval: time.Hour, grace: 5 * time.Second,
		onCycle: func(_, code int) { cycles <- code }}
	done := make(chan int, 1)
	entered := make(chan struct{}, 4)
	go func() {
		done <- c.runSync(ctx, o, gatedLister{gate: gate, entered: entered, next: w.listerFor(t, obs)}, obs)
	}()
	<-entered // the first cycle is listing, and will not finish before the gate opens

	if code := health(); code != 0 {
		t.Errorf("health before the first cycle: exit %d, want 0", code)
	}
	// Ready as soon as the providers and tokens are resolved: a rollout
	// (helm --atomic, a StatefulSet's one-pod-at-a-time) must not wait
	// for a first cycle that may take hours. The first cycle has its own
	// metric.
	if err := telemetry.Probe(ctx, addr, "/readyz", time.Second); err != nil {
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
	gittest.Isolate(t)
	w := newSyncWorld(t, 1)
	w.failList = true
	c, logs := testCLI(t, map[string]string{})
	obs := observeFor(t, c)
	o := syncOptions{query: "org", dir: t.TempDir(), once: true}
	if code := c.runSync(context.Background(), o, w.listerFor(t, obs), obs); code != engine.ExitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, logs)
	}
	if ok, reason := obs.ready.Get(); ok || !strings.Contains(reason, "failed") {
		t.Errorf("ready after a failed cycle: %v %q", ok, reason)
	}
	m := scrape(t, obs)
	wantMetric(t, m, `mgit_sync_runs_total{result="failed"}`, "1")
	wantMetric(t, m, `mgit_provider_requests_total{code="503",provider="gh"}`, "4") // 4 attempts
}

func TestSyncSIGTERMGrace(t *testing.T) {
	gittest.Isolate(t)
	for _, tc := range []struct {
		name     string
		release  bool // the stalled clone resumes within the grace period
		wantCode int
	}{
		{"cancelled after grace", false, engine.ExitInterrupted},
		{"finishes within grace", true, engine.ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newSyncWorld(t, 1)
			c, logs := testCLI(t, map[string]string{envToken: w.git.Token()})
			obs := observeFor(t, c)
			dir := t.TempDir()
			grace := 500 * time.Millisecond
			if tc.release {
				grace = 30 * time.Second
			}
			entered, release := w.git.StallPack()
			defer release()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan int, 1)
			o := syncOptions{query: "org", dir: dir, interval: time.Hour, grace: grace}
			go func() { done <- c.runSync(ctx, o, w.listerFor(t, obs), obs) }()
			<-entered
			start := time.Now()
			cancel() // SIGTERM
			if tc.release {
				release()
			}
			code := <-done
			elapsed := time.Since(start)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\n%s", code, tc.wantCode, logs)
			}
			if !tc.release && elapsed > grace+3*time.Second {
				t.Errorf("took %s to stop, grace %s", elapsed, grace)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("half-clone left: %v", l)
			}
			got := cloned(t, w, dir, false)
			if tc.release != (len(got) == 1) {
				t.Errorf("cloned %v after %s", got, tc.name)
			}
			if !tc.release {
				// Nothing at the destination at all: not even an empty dir.
				if _, err := os.Lstat(w.path(dir, w.names[0], false)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("destination exists after a cancelled clone: %v", err)
				}
				wantMetric(t, scrape(t, obs), `mgit_sync_runs_total{result="interrupted"}`, "1")
			}
		})
	}
}

func TestSyncMirror(t *testing.T) {
	gittest.Isolate(t)
	w := newSyncWorld(t, 2)
	dir := t.TempDir()
	for cycle := 1; cycle <= 2; cycle++ {
		c, logs := testCLI(t, map[string]string{envToken: w.git.Token()})
		obs := observeFor(t, c)
		o := syncOptions{query: "org", dir: dir, once: true, mirror: true}
		if code := c.runSync(context.Background(), o, w.listerFor(t, obs), obs); code != 0 {
			t.Fatalf("cycle %d: exit %d\n%s", cycle, code, logs)
		}
		op := map[int]string{1: "clone", 2: "fetch"}[cycle]
		m := scrape(t, obs)
		wantMetric(t, m, `mgit_operations_total{op="`+op+`",result="ok"}`, "2")
		wantMetric(t, m, `mgit_repositories{state="mirror"}`, "2")
	}
	if got := cloned(t, w, dir, true); len(got) != 2 {
		t.Fatalf("mirrors: %v", got)
	}
}

// TestSyncTraceTree: a cycle's spans form run → operation → request: the
// provider requests under the discovery span, the clones under the run.
func TestSyncTraceTree(t *testing.T) {
	gittest.Isolate(t)
	w := newSyncWorld(t, 2)
	c, logs := testCLI(t, map[string]string{envToken: w.git.Token()})
	obs := observeFor(t, c)
	var rec *telemetry.SpanRecorder
	obs.tracing, rec = telemetry.NewTracingRecorded()
	o := syncOptions{query: "org", dir: t.TempDir(), once: true}
	if code := c.runSync(context.Background(), o, w.listerFor(t, obs), obs); code != 0 {
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
