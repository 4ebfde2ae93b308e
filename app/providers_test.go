package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/app/config"
	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/engine/workspace"
	"github.com/mgit-dev/mgit/secure"
)

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://github.com/o/r": true, "git@github.com:o/r.git": true, "host:path": true,
		"/abs/path": true, "./rel": true, "../rel": true, "file:///x": true,
		"acme/*": false, "acme": false, "acme/web/api": false, "a[bc]/*": false,
	} {
		if got := isURL(s); got != want {
			t.Errorf("isURL(%q) = %v, want %v", s, got, want)
		}
	}
}

// credsTestCLI is a cli with a loaded configuration and an environment store.
func credsTestCLI(t *testing.T, cfg *config.Config, env map[string]string) *Factory {
	t.Helper()
	getenv := func(k string) string { return env[k] }
	red := secure.NewRedactor(redact.Text)
	store, err := secure.NewStore(secure.Options{Getenv: getenv, Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	return &Factory{getenv: getenv, conf: configState{cfg: cfg, red: red, store: store}}
}

func TestProviderCredentials(t *testing.T) {
	cfg := &config.Config{Providers: []config.Provider{
		{Name: "work", Type: "github"},
		{Name: "lab", Type: "gitlab", URL: "https://gitlab.example.com:8443"},
		{Name: "ado", Type: "azuredevops", Org: "contoso"},
	}}
	c := credsTestCLI(t, cfg, map[string]string{
		secure.EnvBackend: secure.BackendEnv,
		"MGIT_TOKEN_WORK": "work-token-1", "GITLAB_TOKEN": "lab-token-2",
		"MGIT_TOKEN": "fallback-token-3",
	})
	pc := c.credentials()
	cases := []struct {
		host, user, pass string
	}{
		{"github.com", "x-access-token", "work-token-1"},
		{"GitHub.com", "x-access-token", "work-token-1"},
		{"gitlab.example.com:8443", "oauth2", "lab-token-2"},
		{"gitlab.example.com", "oauth2", "lab-token-2"}, // same machine, git on another port
		// ado has no token: falls back to MGIT_TOKEN.
		{"dev.azure.com", "x-access-token", "fallback-token-3"},
	}
	for _, tc := range cases {
		cred, ok := pc.Credentials(tc.host)
		if !ok || cred.Username != tc.user || cred.Password != tc.pass {
			t.Errorf("Credentials(%q) = %v %q, %v; want %s:%s", tc.host, cred, cred.Password, ok, tc.user, tc.pass)
		}
	}
	// A host no configured provider names gets no token, MGIT_TOKEN
	// included (engine/credroute).
	if cred, ok := pc.Credentials("elsewhere.example"); ok || cred.Password != "" {
		t.Errorf("Credentials(elsewhere.example) = %q, %v; want none", cred.Password, ok)
	}
	for _, tok := range []string{"work-token-1", "lab-token-2", "fallback-token-3"} {
		if got := c.redact("x " + tok); strings.Contains(got, tok) {
			t.Errorf("token %s handed out but not registered with the redactor", tok)
		}
	}
	// A listing cannot point the token at another machine.
	pc.Learn(provider.Repo{Provider: "work", Host: "evil.example"})
	if cred, _ := pc.Credentials("evil.example"); cred.Password == "work-token-1" {
		t.Fatal("learned a foreign host")
	}
}

func TestQueryClonePlanLayout(t *testing.T) {
	root := t.TempDir()
	repos := []provider.Repo{
		{Provider: "gh", Host: "github.com", Org: "acme", Name: "api", FullName: "acme/api", CloneURL: "https://github.com/acme/api.git"},
		{Provider: "ado", Host: "dev.azure.com", Org: "contoso", Project: "Web Project", Name: "site", FullName: "contoso/Web Project/site",
			CloneURL: "https://dev.azure.com/contoso/Web%20Project/_git/site"},
		{Provider: "lab", Host: "gitlab.example.com", Org: "grp", Project: "team/infra", Name: "tf", FullName: "grp/team/infra/tf",
			CloneURL: "https://gitlab.example.com/grp/team/infra/tf.git"},
		// Listed twice (two accounts on one host): cloned once.
		{Provider: "gh2", Host: "github.com", Org: "acme", Name: "api", FullName: "acme/api", CloneURL: "https://github.com/acme/api"},
	}
	jobs, _, err := queryClonePlan(root, repos, workspace.LayoutHost)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"github.com/acme/api", "dev.azure.com/contoso/Web Project/site", "gitlab.example.com/grp/team/infra/tf"}
	if len(jobs) != len(want) {
		t.Fatalf("jobs = %v", jobs)
	}
	for i, j := range jobs {
		if j.Repo.ID != want[i] || j.Repo.Path != filepath.Join(root, filepath.FromSlash(want[i])) || j.Op != engine.OpClone {
			t.Errorf("job %d = %+v, want %s", i, j.Repo, want[i])
		}
	}
	// A slug that would escape the root is refused.
	bad := []provider.Repo{{Provider: "x", Host: "h", Org: "..", Name: "r", FullName: "../r", CloneURL: "https://h/r"}}
	if _, _, err := queryClonePlan(root, bad, workspace.LayoutHost); err == nil {
		t.Fatal("escaping slug accepted")
	}
	// Flat: two different repositories with one name collide.
	two := []provider.Repo{repos[0], {Provider: "gh", Host: "github.com", Org: "other", Name: "api", FullName: "other/api", CloneURL: "https://github.com/other/api.git"}}
	if _, _, err := queryClonePlan(root, two, workspace.LayoutFlat); err == nil || !strings.Contains(err.Error(), "both be cloned") {
		t.Fatalf("flat collision: %v", err)
	}
}

func TestNarrowByQuery(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	mk := func(rel, origin string) engine.Job {
		p := filepath.Join(root, filepath.FromSlash(rel))
		gittest.InitRepo(t, p)
		if origin != "" {
			gittest.Git(t, p, "remote", "add", "origin", origin)
		}
		return engine.Job{Repo: engine.Repo{ID: rel, Path: p}}
	}
	jobs := []engine.Job{
		mk("github.com/acme/api", "https://github.com/acme/api.git"),
		mk("github.com/acme/web", "https://github.com/acme/web.git"),
		mk("dev.azure.com/contoso/Proj/site", "https://dev.azure.com/contoso/Proj/_git/site"),
		mk("stuff/renamed", "git@github.com:acme/tools.git"), // matched by origin only
		mk("local/only/thing", ""),                           // matched by path only
	}
	cases := map[string][]string{
		"acme/api":          {"github.com/acme/api"},
		"acme/*":            {"github.com/acme/api", "github.com/acme/web", "stuff/renamed"},
		"ACME/TOOLS":        {"stuff/renamed"},
		"contoso/proj/site": {"dev.azure.com/contoso/Proj/site"},
		"contoso/*/*":       {"dev.azure.com/contoso/Proj/site"},
		"local/only/thing":  {"local/only/thing"},
		"only/thing":        {"local/only/thing"},
	}
	for q, want := range cases {
		got, err := narrow(jobs, root, q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		var ids []string
		for _, j := range got {
			ids = append(ids, j.Repo.ID)
		}
		if strings.Join(ids, ",") != strings.Join(want, ",") {
			t.Errorf("narrow(%q) = %v, want %v", q, ids, want)
		}
	}
	if _, err := narrow(jobs, root, "nobody/*"); err == nil {
		t.Error("no match: want a usage error")
	}
	if _, err := narrow(jobs, root, "a//b"); err == nil {
		t.Error("bad query accepted")
	}
}

// providerTestEnv is an environment for in-process runs with everything under a
// temporary directory and the file keyring.
func providerTestEnv(t *testing.T) map[string]string {
	t.Helper()
	base := t.TempDir()
	return map[string]string{
		"HOME": base, "XDG_CONFIG_HOME": filepath.Join(base, "config"), "XDG_CACHE_HOME": filepath.Join(base, "cache"),
		"XDG_DATA_HOME": filepath.Join(base, "data"), "XDG_STATE_HOME": filepath.Join(base, "state"),
		secure.EnvBackend: secure.BackendFile, secure.EnvPassword: "app-test-keyring-pw",
	}
}

func TestBrokenConfigFailsEveryCommandButPath(t *testing.T) {
	env := providerTestEnv(t)
	p := filepath.Join(env["XDG_CONFIG_HOME"], "mgit", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "concurrency: 2\nprovider:\n  - name: x\n")
	code, _, stderr := run(t, env, "status", t.TempDir())
	if code != exitUsage || !strings.Contains(stderr, p+":2: ") || !strings.Contains(stderr, "did you mean providers?") {
		t.Fatalf("status with a broken config: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := run(t, env, "config", "path")
	if code != 0 || strings.TrimSpace(stdout) != p || !strings.Contains(stderr, "unknown key") {
		t.Fatalf("config path: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, _ := run(t, env, "version"); code != 0 {
		t.Fatalf("version with a broken config: exit %d", code)
	}
	writeFile(t, p, "providers:\n  - name: w\n    type: github\n    token: ghp_abcdef\n")
	code, _, stderr = run(t, env, "list", "acme/*")
	if code != exitUsage || !strings.Contains(stderr, p+":4: ") || !strings.Contains(stderr, "mgit login --name w") || strings.Contains(stderr, "ghp_abcdef") {
		t.Fatalf("token in config: exit %d\n%s", code, stderr)
	}
}

func TestConfigFlagBeatsEnv(t *testing.T) {
	env := providerTestEnv(t)
	env[config.EnvConfig] = filepath.Join(t.TempDir(), "env.yaml")
	flag := filepath.Join(t.TempDir(), "flag.yaml")
	if _, out, _ := run(t, env, "config", "path"); strings.TrimSpace(out) != env[config.EnvConfig] {
		t.Fatalf("MGIT_CONFIG ignored: %q", out)
	}
	if _, out, _ := run(t, env, "--config", flag, "config", "path"); strings.TrimSpace(out) != flag {
		t.Fatalf("--config ignored: %q", out)
	}
}

func TestListWithoutProviders(t *testing.T) {
	code, _, stderr := run(t, providerTestEnv(t), "list", "acme/*")
	if code != exitUsage || !strings.Contains(stderr, "mgit login --provider") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

func TestLoginNeedsTokenStdinWithoutTerminal(t *testing.T) {
	withStdin(t, "") // a file, never a terminal, whoever runs the test
	code, _, stderr := run(t, providerTestEnv(t), "login", "--provider", "github", "--name", "work", "--url", "https://ghe.example.com")
	// --name alone fails for a provider not configured yet: the suggested
	// command repeats the flags that configure it.
	want := "mgit login --provider github --name work --url https://ghe.example.com --token-stdin"
	if code != exitUsage || !strings.Contains(stderr, want) {
		t.Fatalf("exit %d, want 2 and %q\n%s", code, want, stderr)
	}
}

func TestLoginUnknownProviderType(t *testing.T) {
	code, _, stderr := run(t, providerTestEnv(t), "login", "--provider", "nope", "--name", "x")
	if code != exitUsage || !strings.Contains(stderr, `login: unknown --provider "nope"`) ||
		!strings.Contains(stderr, "Use --provider github|azuredevops|bitbucket|gitlab|gitea.") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

// TestMissingNamedConfig: a --config or MGIT_CONFIG file that does not
// exist is a mistake for every command but login (which creates it) and
// config (which inspects it), not an empty configuration.
func TestMissingNamedConfig(t *testing.T) {
	withStdin(t, "") // login stops at the token, after the config check
	env := providerTestEnv(t)
	missing := filepath.Join(t.TempDir(), "typo.yaml")
	for _, args := range [][]string{
		{"--config", missing, "list", "acme/*"},
		{"--config", missing, "status", t.TempDir()},
	} {
		code, _, stderr := run(t, env, args...)
		if code != exitUsage || !strings.Contains(stderr, missing+": no such file") ||
			!strings.Contains(stderr, "mgit login --config "+missing) {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, stderr)
		}
	}
	envCfg := map[string]string{config.EnvConfig: missing}
	for k, v := range env {
		envCfg[k] = v
	}
	if code, _, stderr := run(t, envCfg, "list", "acme/*"); code != exitUsage || !strings.Contains(stderr, missing+": no such file") {
		t.Errorf("MGIT_CONFIG: exit %d, want 2\n%s", code, stderr)
	}
	if code, out, stderr := run(t, envCfg, "config", "path"); code != 0 || strings.TrimSpace(out) != missing {
		t.Errorf("config path: exit %d %q\n%s", code, out, stderr)
	}
	if code, _, stderr := run(t, env, "--config", missing, "login", "--provider", "github", "--name", "w"); strings.Contains(stderr, "no such file") || !strings.Contains(stderr, "--token-stdin") {
		t.Errorf("login: exit %d, refused the file it creates\n%s", code, stderr)
	}
	if code, _, stderr := run(t, env, "--config", filepath.Join(env["XDG_CONFIG_HOME"], "none.yaml"), "version"); code != 0 {
		t.Errorf("version: exit %d\n%s", code, stderr)
	}
}

// TestMissingTokenSaysSo: a provider without a token is reported as such,
// not as a rejected credential, with exit 3 and the login hint.
func TestMissingTokenSaysSo(t *testing.T) {
	env := providerTestEnv(t)
	cfgPath := filepath.Join(env["XDG_CONFIG_HOME"], "mgit", "config.yaml")
	if err := config.Save(cfgPath, &config.Config{Providers: []config.Provider{{Name: "work", Type: "github"}}}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"list", "acme/*"}, {"sync", "acme", "--once", "--dir", t.TempDir()}} {
		code, _, stderr := run(t, env, append(args, "--log-level", "disabled")...)
		if code != exitAuth || !strings.Contains(stderr, "no token for provider work: ") ||
			strings.Contains(stderr, "credential rejected") || !strings.Contains(stderr, "run mgit login --name work") {
			t.Errorf("%v: exit %d, want 3\n%s", args, code, stderr)
		}
	}
}

// TestListRateLimited: a rate limit that resets later than --max-wait
// fails with the reset time, not a hang.
func TestListRateLimited(t *testing.T) {
	reset := time.Now().Add(time.Hour).Unix()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset, 10))
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"API rate limit exceeded"}`))
	}))
	defer srv.Close()
	env := providerTestEnv(t)
	env["MGIT_TOKEN_GHE"] = "rate-limit-token"
	cfgPath := filepath.Join(env["XDG_CONFIG_HOME"], "mgit", "config.yaml")
	if err := config.Save(cfgPath, &config.Config{Providers: []config.Provider{{Name: "ghe", Type: "github", URL: srv.URL}}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, _, stderr := run(t, env, "list", "acme/*", "--max-wait", "1s", "--log-level", "disabled")
	if code != exitFailed || !strings.Contains(stderr, "rate limited until") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if time.Since(start) > 30*time.Second {
		t.Fatalf("waited %s for a limit beyond --max-wait", time.Since(start))
	}
}

// TestLoginMissingScope: a 403 from the token check names the scope and
// exits 3; nothing is stored.
func TestLoginMissingScope(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Resource not accessible by integration"}`))
	}))
	defer srv.Close()
	env := providerTestEnv(t)
	withStdin(t, "scope-less-token\n")
	code, _, stderr := run(t, env, "login", "--provider", "github", "--name", "ghe", "--url", srv.URL, "--token-stdin")
	if code != exitAuth || !strings.Contains(stderr, "repo scope") || strings.Contains(stderr, "scope-less-token") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(env["XDG_CONFIG_HOME"], "mgit", "config.yaml")); !os.IsNotExist(err) {
		t.Fatal("config written after a refused token")
	}
}

// withStdin makes os.Stdin a file holding content for the test: login reads
// the token from os.Stdin, which Main does not take as a parameter. os.Stdin
// is the process's, so a test using this must not call t.Parallel (the
// sequential tests all finish before the parallel ones start).
func withStdin(t *testing.T, content string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = f
	t.Cleanup(func() {
		os.Stdin = old
		f.Close()
	})
}

// TestProviderListerConcurrentPartial: sync lists its providers at once
// (the first answers only after the second was asked) and keeps the
// repositories of those that answered, with the others' errors.
func TestProviderListerConcurrentPartial(t *testing.T) {
	asked := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-asked:
		case <-time.After(10 * time.Second): // a failure guard, not synchronisation
		}
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
	}))
	defer slow.Close()
	var once sync.Once
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(asked) })
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"name":"r","full_name":"org/r","owner":{"login":"org"},` +
			`"clone_url":"https://git.example/org/r.git","default_branch":"main"}]`))
	}))
	defer fast.Close()
	var prs []provider.Provider
	for _, s := range []struct{ name, url string }{{"a", slow.URL}, {"b", fast.URL}} { // a first: it waits for b
		p, err := provider.New(provider.Config{Name: s.name, Kind: provider.KindGitHub, URL: s.url, Token: "t"})
		if err != nil {
			t.Fatal(err)
		}
		prs = append(prs, p)
	}
	q, err := provider.ParseQuery("org")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := testCLI(t, map[string]string{})
	obs := observeFor(t, c)
	start := time.Now()
	repos, err := providerLister{providers: prs, query: q, tracing: obs.tracing}.List(context.Background())
	if time.Since(start) > 5*time.Second {
		t.Errorf("providers listed one after the other (%s)", time.Since(start))
	}
	if len(repos) != 1 || repos[0].FullName != "org/r" || !errors.Is(err, provider.ErrUnauthorized) || !strings.Contains(err.Error(), "list a: ") {
		t.Fatalf("repos %v, err %v; want org/r and a's 401", repos, err)
	}
}
