package app

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/ui"
)

// fakeGitHub serves GitHub's org listing for acme over two pages (so a
// listing makes two requests), with one archived repository and one fork
// among them. onPage2, when set, runs before the second page is answered.
func fakeGitHub(t *testing.T, onPage2 func()) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	// Clone URLs on the API's machine, as GitHub Enterprise serves them.
	repo := func(name string, archived, fork bool) map[string]any {
		return map[string]any{
			"name": name, "full_name": "acme/" + name, "owner": map[string]any{"login": "acme"},
			"clone_url": srv.URL + "/acme/" + name + ".git", "default_branch": "main",
			"archived": archived, "fork": fork,
		}
	}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/orgs/acme/repos" || r.Header.Get("Authorization") == "" {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Remaining", "4999")
		var page []map[string]any
		if r.URL.Query().Get("page") == "2" {
			if onPage2 != nil {
				onPage2()
			}
			page = []map[string]any{repo("web", false, false), repo("forked", false, true)}
		} else {
			w.Header().Set("Link", "<"+srv.URL+"/api/v3/orgs/acme/repos?page=2>; rel=\"next\"")
			page = []map[string]any{repo("api", false, false), repo("old", true, false)}
		}
		_ = json.NewEncoder(w).Encode(page)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// configured writes cfg where the environment's configuration lives and
// returns a cli that loaded it, as PersistentPreRunE does.
func configured(t *testing.T, env map[string]string, cfg *config.Config) (*Factory, *syncBuffer) {
	t.Helper()
	if err := config.Save(filepath.Join(env["XDG_CONFIG_HOME"], "mgit", "config.yaml"), cfg); err != nil {
		t.Fatal(err)
	}
	c, logs := testCLI(t, env)
	if err := c.loadConfig(&cobra.Command{}); err != nil {
		t.Fatal(err)
	}
	return c, logs
}

// drain reads every batch until the listing closes the channel.
func drain(ch <-chan ui.RemoteBatch) []ui.RemoteBatch {
	var out []ui.RemoteBatch
	for b := range ch {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Source < out[j].Source })
	return out
}

// TestDashboardInputsFromConfigQuery: with a configured query and
// provider, the dashboard's inputs are the workspace on disk plus the
// upstream listing (archived and forks left out), delivered after the
// inputs are returned; destinations are clone QUERY's; the listing's host
// learns the provider's token; the requests are counted; a provider that
// refuses the token arrives as an error batch with its advice.
func TestDashboardInputsFromConfigQuery(t *testing.T) {
	t.Parallel()
	// The second page waits for the test: the inputs must be ready (the
	// dashboard painted) while the listing is still under way.
	reached, gate := make(chan struct{}), make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	gh := fakeGitHub(t, func() {
		close(reached)
		<-gate
	})
	t.Cleanup(release) // before the server's Close, which waits for the handler
	env := providerTestEnv(t)
	env["MGIT_TOKEN_GHE"] = "ghe-secret-token"
	ws := filepath.Join(env["HOME"], "src")
	c, _ := configured(t, env, &config.Config{
		Workspace: ws, Query: "acme/*",
		Providers: []config.Provider{{Name: "ghe", Type: "github", URL: gh.URL}, {Name: "nokey", Type: "github", URL: gh.URL + "/nokey"}},
	})
	// api is cloned where clone QUERY puts it; web is not.
	gitHost := strings.TrimPrefix(gh.URL, "http://")
	local := filepath.Join(ws, strings.ReplaceAll(gitHost, ":", "_"), "acme", "api")
	gittest.InitRepo(t, local)

	obs := observeFor(t, c)
	type result struct {
		in  dashboardInputs
		err error
	}
	ready := make(chan result, 1)
	go func() {
		in, err := (&DashboardOptions{f: c, Args: nil, Query: ""}).inputs(context.Background(), obs)
		ready <- result{in, err}
	}()
	var res result
	select {
	case res = <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the inputs waited for the provider listing")
	}
	in, err := res.in, res.err
	if err != nil {
		t.Fatal(err)
	}
	defer in.stop()
	<-reached // the listing is under way, and the inputs are ready
	release()
	if in.root != ws || len(in.repos) != 1 || in.repos[0].Path != local {
		t.Fatalf("root %s repos %+v: want the configured workspace with api", in.root, in.repos)
	}
	batches := drain(in.updates)
	if len(batches) != 2 {
		t.Fatalf("batches = %+v", batches)
	}
	ghe, nokey := batches[0], batches[1]
	if ghe.Source != "ghe" || ghe.Err != nil {
		t.Fatalf("ghe batch = %+v", ghe)
	}
	var names []string
	for _, r := range ghe.Repos {
		names = append(names, r.FullName)
	}
	if strings.Join(names, ",") != "acme/api,acme/web" {
		t.Fatalf("listed %v, want acme/api and acme/web (archived and forks left out)", names)
	}
	if nokey.Source != "nokey" || nokey.Err == nil || !strings.Contains(nokey.Err.Error(), "mgit login --name nokey") {
		t.Fatalf("nokey batch = %+v, want an error with its advice", nokey)
	}

	// Destinations are where `mgit clone acme/* WS` puts them: api onto
	// the existing clone (so it gets no row of its own), web beside it.
	jobs, _, err := queryClonePlan(ws, ghe.Repos, workspace.LayoutHost)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range ghe.Repos {
		d, err := in.dest(r)
		if err != nil || d != jobs[i].Repo.Path {
			t.Errorf("dest(%s) = %s, %v; clone QUERY uses %s", r.FullName, d, err, jobs[i].Repo.Path)
		}
	}
	if d, _ := in.dest(ghe.Repos[0]); d != local {
		t.Errorf("dest(acme/api) = %s, want the clone at %s", d, local)
	}

	// Cloning a row finds the provider's token for the listed git host.
	if cred, ok := in.creds.Credentials(gitHost); !ok || cred.Password != "ghe-secret-token" {
		t.Errorf("credentials for the listed host: %v %v", cred, ok)
	}
	m := scrape(t, obs)
	wantMetric(t, m, `mgit_provider_requests_total{code="200",provider="ghe"}`, "2")
	wantMetric(t, m, `mgit_provider_requests_total{code="401",provider="nokey"}`, "")
}

// TestDashboardQueryFlag: --query beats the configuration, a DIR argument
// beats the workspace, and --query without any provider is a usage error.
func TestDashboardQueryFlag(t *testing.T) {
	t.Parallel()
	gh := fakeGitHub(t, nil)
	env := providerTestEnv(t)
	env["MGIT_TOKEN_GHE"] = "tok"
	dir := t.TempDir()
	c, _ := configured(t, env, &config.Config{
		Query: "nobody/*", Layout: "flat",
		Providers: []config.Provider{{Name: "ghe", Type: "github", URL: gh.URL}},
	})
	obs := observeFor(t, c)
	in, err := (&DashboardOptions{f: c, Args: []string{dir}, Query: "acme/w*"}).inputs(context.Background(), obs)
	if err != nil {
		t.Fatal(err)
	}
	defer in.stop()
	b := drain(in.updates)
	if len(b) != 1 || b[0].Err != nil || len(b[0].Repos) != 1 || b[0].Repos[0].Name != "web" {
		t.Fatalf("batches = %+v, want acme/web only", b)
	}
	if d, _ := in.dest(b[0].Repos[0]); d != filepath.Join(dir, "web") {
		t.Fatalf("flat layout dest = %s", d)
	}

	// No query: no listing at all.
	c.conf.cfg.Query = ""
	if in, err = (&DashboardOptions{f: c, Args: []string{dir}, Query: ""}).inputs(context.Background(), obs); err != nil || in.updates != nil {
		t.Fatalf("without a query: updates %v, err %v", in.updates, err)
	}

	// --query with nothing to ask: the usage error that says how to add one.
	c.conf.cfg = &config.Config{}
	_, err = (&DashboardOptions{f: c, Args: []string{dir}, Query: "acme/*"}).inputs(context.Background(), obs)
	if code, _, hint := exitCodeOf(err); code != exitUsage || !strings.Contains(hint, "mgit login") {
		t.Fatalf("--query without providers: %v (exit %d, hint %q)", err, code, hint)
	}
	if _, err := (&DashboardOptions{f: c, Args: []string{dir}, Query: "a//b"}).inputs(context.Background(), obs); err == nil {
		t.Fatal("bad --query accepted")
	}
}

// TestListMetrics: `mgit list --metrics-addr` counts its provider requests
// in mgit_provider_requests_total while it runs (scraped over HTTP between
// the two pages), and logs them with the run's run_id.
func TestListMetrics(t *testing.T) {
	addr := freeAddr(t)
	scraped := make(chan map[string]string, 1)
	gh := fakeGitHub(t, func() {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		m := map[string]string{}
		var body strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			body.Write(buf[:n])
			if err != nil {
				break
			}
		}
		for _, line := range strings.Split(body.String(), "\n") {
			if i := strings.LastIndexByte(line, ' '); i > 0 && !strings.HasPrefix(line, "#") {
				m[line[:i]] = line[i+1:]
			}
		}
		scraped <- m
	})
	env := providerTestEnv(t)
	env["MGIT_TOKEN_GHE"] = "tok"
	if err := config.Save(filepath.Join(env["XDG_CONFIG_HOME"], "mgit", "config.yaml"),
		&config.Config{Providers: []config.Provider{{Name: "ghe", Type: "github", URL: gh.URL}}}); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, env, "list", "acme/*", "--metrics-addr", addr, "--log-level", "info", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, `"full_name":"acme/web"`) {
		t.Fatalf("stdout:\n%s", stdout)
	}
	var m map[string]string
	select {
	case m = <-scraped:
	default:
		t.Fatal("the second page was never asked for")
	}
	wantMetric(t, m, `mgit_provider_requests_total{code="200",provider="ghe"}`, "1")
	if m[`mgit_provider_rate_limit_remaining{provider="ghe"}`] != "4999" {
		t.Errorf("rate limit gauge: %q", m[`mgit_provider_rate_limit_remaining{provider="ghe"}`])
	}
	// Both requests logged, each with the run's run_id.
	var runIDs []string
	for _, line := range strings.Split(stderr, "\n") {
		var ev map[string]any
		if json.Unmarshal([]byte(line), &ev) != nil || ev["message"] != "provider request" {
			continue
		}
		id, _ := ev["run_id"].(string)
		runIDs = append(runIDs, id)
	}
	if len(runIDs) != 2 || runIDs[0] == "" || runIDs[0] != runIDs[1] {
		t.Fatalf("provider request lines' run_ids = %q\n%s", runIDs, stderr)
	}
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestDashboardRemoteRowClones: a not-cloned row, cloned as the dashboard
// does it (its Dest and clone URL, nothing else), lands where clone QUERY
// puts it, with the provider's token from the credential source the
// dashboard hands the engine (git on another port of the API's machine;
// no MGIT_TOKEN).
func TestDashboardRemoteRowClones(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 2)
	env := providerTestEnv(t)
	env["MGIT_TOKEN_GH"] = w.git.Token()
	dir := t.TempDir()
	c, _ := configured(t, env, &config.Config{Providers: []config.Provider{{Name: "gh", Type: "github", URL: w.api.URL}}})
	obs := observeFor(t, c)
	in, err := (&DashboardOptions{f: c, Args: []string{dir}, Query: "org"}).inputs(context.Background(), obs)
	if err != nil {
		t.Fatal(err)
	}
	defer in.stop()
	b := drain(in.updates)
	if len(b) != 1 || b[0].Err != nil || len(b[0].Repos) != 2 {
		t.Fatalf("batches = %+v", b)
	}
	want, _, err := queryClonePlan(dir, b[0].Repos, workspace.LayoutHost)
	if err != nil {
		t.Fatal(err)
	}
	var plan engine.Plan
	for _, r := range b[0].Repos {
		d, err := in.dest(r)
		if err != nil {
			t.Fatal(err)
		}
		plan.Jobs = append(plan.Jobs, engine.Job{Repo: engine.Repo{ID: r.FullName, Path: d, URL: r.CloneURL}, Op: engine.OpClone})
	}
	backend, err := ChooseBackend(context.Background(), engine.BackendAuto)
	if err != nil {
		t.Fatal(err)
	}
	eng := engine.New(engine.Config{Backend: backend, Credentials: in.creds})
	defer eng.Close()
	id := eng.Submit(context.Background(), plan)
	var sum engine.Summary
	for ev := range eng.Events() {
		if rf, ok := ev.(engine.RunFinished); ok && rf.RunID == id {
			sum = rf.Summary
			break
		}
	}
	if sum.OK != 2 {
		t.Fatalf("clones: %+v", sum)
	}
	for _, j := range want {
		if gittest.Head(t, j.Repo.Path) == "" {
			t.Errorf("nothing cloned at %s", j.Repo.Path)
		}
	}
}
