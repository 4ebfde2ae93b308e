package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
)

// auditLines returns the audit events with action in JSON log text.
func auditLines(t *testing.T, logs, action string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, `"audit":true`) {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("audit line is not JSON: %q: %v", line, err)
		}
		if m["action"] == action {
			out = append(out, m)
		}
	}
	return out
}

// TestFlagBoundsExit2: every bounded flag and environment value is
// refused with exit 2 and a message naming the input and the rule.
func TestFlagBoundsExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name      string
		env       map[string]string
		args      []string
		input     string
		rule      string
		auditable bool // refused after the log and --audit-log are set up
	}{
		{"metrics addr port", nil, []string{"--metrics-addr", "99999", "status", dir}, "--metrics-addr", "port must be", false},
		{"metrics addr form", nil, []string{"--metrics-addr", "a:b:c", "status", dir}, "--metrics-addr", "not HOST:PORT", false},
		{"metrics addr env", map[string]string{envMetricsAddr: "-evil:80"}, []string{"status", dir}, envMetricsAddr, "starts with '-'", false},
		{"log level env", map[string]string{envLogLevel: "\x1b[31mloud"}, []string{"status", dir}, envLogLevel, "not a log level", false},
		{"log level flag", nil, []string{"--log-level", "verbose", "status", dir}, "--log-level", "not a log level", false},
		{"timeout too short", nil, []string{"--timeout", "10ms", "status", dir}, "--timeout", "must be between 1s and 24h", false},
		{"timeout too long", nil, []string{"--timeout", "48h", "status", dir}, "--timeout", "must be between", false},
		{"timeout negative", nil, []string{"--timeout", "-1s", "status", dir}, "--timeout", "must be between", false},
		{"concurrency too high", nil, []string{"--concurrency", "100000", "fetch", dir}, "--concurrency", "must be between 0 and 256", false},
		{"interval too short", nil, []string{"sync", "org", "--interval", "1s", "--dir", dir}, "--interval", "must be between 10s and 24h", true},
		{"interval zero", nil, []string{"sync", "org", "--interval", "0s", "--dir", dir}, "--interval", "must be between", true},
		{"grace too long", nil, []string{"sync", "org", "--once", "--grace", "2h", "--dir", dir}, "--grace", "must be between 0s and 1h", true},
		{"grace negative", nil, []string{"sync", "org", "--once", "--grace", "-1s", "--dir", dir}, "--grace", "must be between", true},
		{"max repos zero", nil, []string{"sync", "org", "--once", "--max-repos", "0", "--dir", dir}, "--max-repos", "must be between 1 and 1000000", true},
		{"max repos huge", nil, []string{"list", "org", "--max-repos", "2000000"}, "--max-repos", "must be between 1 and 1000000", true},
		{"max wait too long", nil, []string{"list", "org", "--max-wait", "48h"}, "--max-wait", "must be between 0s and 24h", true},
		{"health addr", nil, []string{"health", "--addr", "70000"}, "--addr", "port must be", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			audit := filepath.Join(t.TempDir(), "audit.log")
			args := append([]string{"--audit-log", audit}, tc.args...)
			code, stdout, stderr := run(t, tc.env, args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			first, _, _ := strings.Cut(stderr, "\n")
			if !strings.HasPrefix(first, "mgit: "+tc.input+" ") || !strings.Contains(first, tc.rule) {
				t.Errorf("first line %q: want the input %s and the rule %q", first, tc.input, tc.rule)
			}
			if strings.Count(stderr, "\n") < 2 {
				t.Errorf("no hint line: %q", stderr)
			}
			if strings.ContainsRune(stderr, 0x1b) || stdout != "" {
				t.Errorf("stdout %q, stderr %q", stdout, stderr)
			}
			if tc.auditable {
				data, err := os.ReadFile(audit)
				if err != nil {
					t.Fatal(err)
				}
				got := auditLines(t, string(data), auditInputRejected)
				if len(got) != 1 || !strings.Contains(got[0]["error"].(string), tc.input) {
					t.Errorf("audit log: want one input.rejected naming %s, got %s", tc.input, data)
				}
			}
		})
	}
	// In range: accepted (exit 0 for a status of an empty directory).
	for _, args := range [][]string{
		{"--timeout", "90s", "--concurrency", "256", "--metrics-addr", "127.0.0.1:0", "status", dir},
		{"--log-level", "DEBUG", "--timeout", "0", "status", dir},
	} {
		if code, _, stderr := run(t, map[string]string{envMetricsAddr: "0.0.0.0:0"}, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// hostileLister lists newHostileAPI's repositories through the real
// GitHub provider, as the sync command builds it.
func hostileLister(t *testing.T, c *Factory, obs *observability, apiURL, token string) repoLister {
	t.Helper()
	p, err := provider.New(provider.Config{Name: "evil", Kind: provider.KindGitHub, URL: apiURL, Token: token,
		Observe: c.logs.auditRequests(obs.observeRequests())})
	if err != nil {
		t.Fatal(err)
	}
	q, err := provider.ParseQuery("acme")
	if err != nil {
		t.Fatal(err)
	}
	return providerLister{providers: []provider.Provider{p}, query: q, tracing: obs.tracing}
}

// TestSyncDropsHostileRepos: sync vets listed repositories like list and
// clone QUERY do: of a hostile listing (escaping names, control
// characters, an option-like name, an ext:: clone URL, an option-like
// branch) only "good" is cloned, every refusal is audited with the
// cycle's run_id, and nothing lands outside --dir.
func TestSyncDropsHostileRepos(t *testing.T) {
	t.Parallel()
	const token = "hostile-sync-token-42"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	git.CreateRepo(t, "acme/good")
	api := newHostileAPI(t, token, git)
	base := t.TempDir()
	dir := filepath.Join(base, "ws")
	c, logs := testCLI(t, map[string]string{credroute.EnvToken: token})
	obs := observeFor(t, c)
	o := SyncOptions{query: "acme", dir: dir, once: true}
	if code := syncLoop(context.Background(), c, o, hostileLister(t, c, obs, api.URL, token), obs); code != exitOK {
		t.Fatalf("exit %d\n%s", code, logs)
	}
	host := strings.ReplaceAll(hostOf(git.URL("acme/good")), ":", "_")
	ents, err := os.ReadDir(filepath.Join(dir, host, "acme"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "good" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("--dir holds %q, want only good", names)
	}
	if top, _ := os.ReadDir(base); len(top) != 1 {
		t.Errorf("written beside --dir: %v", top)
	}
	text := logs.String()
	rejected := auditLines(t, text, auditInputRejected)
	for _, want := range []string{"-uhack", "badurl", "badbranch", ".git"} {
		found := false
		for _, m := range rejected {
			if strings.Contains(m["error"].(string), want) {
				found = true
				if m["run_id"] == nil || m["provider"] != "evil" {
					t.Errorf("refusal of %s lacks the cycle's run_id or the provider: %v", want, m)
				}
			}
		}
		if !found {
			t.Errorf("no input.rejected audit event for %s in\n%s", want, text)
		}
	}
	if !strings.Contains(text, `"refused":`+itoa(len(rejected))) {
		t.Errorf("cycle summary does not count %d refused:\n%s", len(rejected), text)
	}
	if strings.ContainsAny(text, "\x1b\x00\x07") || strings.Contains(text, token) {
		t.Errorf("logs carry a control character or the token:\n%q", text)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestGitAuthFailureAudited: a clone git refuses for its credentials is an
// auth.failure audit event with the host and repository, never the token —
// in a one-shot run (to --audit-log) and in a sync cycle (with its run_id).
func TestGitAuthFailureAudited(t *testing.T) {
	t.Parallel()
	const wrong = "wrong-token-0123456789"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: "right-token"})
	git.CreateRepo(t, "acme/app")
	git.CreateRepo(t, "org/app")
	url := git.URL("acme/app")
	host := hostOf(url)

	t.Run("run", func(t *testing.T) {
		audit := filepath.Join(t.TempDir(), "audit.log")
		env := map[string]string{credroute.EnvToken: wrong}
		code, stdout, stderr := run(t, env, "--audit-log", audit, "--git-backend", "cli", "clone", url, t.TempDir())
		if code != exitAuth {
			t.Fatalf("exit %d, want %d\n%s%s", code, exitAuth, stdout, stderr)
		}
		data, err := os.ReadFile(audit)
		if err != nil {
			t.Fatal(err)
		}
		got := auditLines(t, string(data), auditAuthFailure)
		if len(got) != 1 || got[0]["host"] != host || !strings.HasSuffix(got[0]["repo"].(string), "acme/app") || got[0]["op"] != "clone" {
			t.Errorf("want one auth.failure with host %s and repo …acme/app, got\n%s", host, data)
		}
		if bytes.Contains(data, []byte(wrong)) || strings.Contains(stdout+stderr, wrong) {
			t.Error("the token was written")
		}
	})

	t.Run("sync", func(t *testing.T) {
		w := &syncWorld{git: git, names: []string{"org/app"}}
		w.api = newListAPI(t, w)
		c, logs := testCLI(t, map[string]string{credroute.EnvToken: wrong})
		obs := observeFor(t, c)
		o := SyncOptions{query: "org", dir: t.TempDir(), once: true}
		if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != exitAuth {
			t.Fatalf("exit %d, want %d\n%s", code, exitAuth, logs)
		}
		got := auditLines(t, logs.String(), auditAuthFailure)
		if len(got) != 1 || got[0]["host"] != host || got[0]["run_id"] == nil || got[0]["repo"] == nil {
			t.Errorf("want one auth.failure with host %s and the cycle's run_id, got\n%s", host, logs)
		}
		if strings.Contains(logs.String(), wrong) {
			t.Error("the token was logged")
		}
	})
}

// newListAPI serves w.names (in "org") as the GitHub organisation "org",
// like newSyncWorld's API but without its failure switch.
func newListAPI(t *testing.T, w *syncWorld) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/orgs/org/repos" {
			http.NotFound(rw, r)
			return
		}
		var out []map[string]any
		for _, full := range w.names {
			org, name, _ := strings.Cut(full, "/")
			out = append(out, map[string]any{"name": name, "full_name": full, "owner": map[string]any{"login": org},
				"clone_url": w.git.URL(full), "default_branch": "main"})
		}
		_ = json.NewEncoder(rw).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestStreamsFlushHeldLine: Main's streams hold an unfinished line (so a
// token written in two pieces is masked whole) until flushStreams.
func TestStreamsFlushHeldLine(t *testing.T) {
	var out bytes.Buffer
	c := &Factory{stdout: &out, stderr: &out}
	c.secureStreams()
	c.conf.red.Register("split-secret-value")
	for _, p := range []string{"token split-se", "cret-value at the end"} {
		if _, err := c.stdout.Write([]byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	if out.Len() != 0 {
		t.Fatalf("an unfinished line was written: %q", out.String())
	}
	c.flushStreams()
	if got := out.String(); got != "token "+secure.Mask+" at the end" {
		t.Fatalf("flushed %q", got)
	}
}

// TestSyncRefusesSymlinkOutOfDir: a symlink planted under --dir that
// leads outside it makes sync refuse the repositories below it, as clone
// QUERY does, rather than clone through it: nothing lands outside.
func TestSyncRefusesSymlinkOutOfDir(t *testing.T) {
	t.Parallel()
	w := newSyncWorld(t, 2)
	dir, outside := t.TempDir(), t.TempDir()
	org := filepath.Dir(w.path(dir, w.names[0], false)) // <dir>/<host>/org
	if err := os.MkdirAll(filepath.Dir(org), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, org); err != nil {
		t.Fatal(err)
	}
	c, logs := testCLI(t, map[string]string{credroute.EnvToken: w.git.Token()})
	obs := observeFor(t, c)
	o := SyncOptions{query: "org", dir: dir, once: true}
	if code := syncLoop(context.Background(), c, o, w.listerFor(t, obs), obs); code != exitFailed {
		t.Fatalf("exit %d, want 1\n%s", code, logs)
	}
	if ents, err := os.ReadDir(outside); err != nil || len(ents) > 0 {
		t.Fatalf("written outside --dir through the symlink: %v %v", ents, err)
	}
	if n := strings.Count(logs.String(), `"message":"repository skipped"`); n != 2 || !strings.Contains(logs.String(), "through a symlink outside") {
		t.Errorf("%d repositories refused, want 2 for the symlink\n%s", n, logs)
	}
}
