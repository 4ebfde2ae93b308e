package app

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// gitArgvWrapper puts a `git` first on PATH that appends its argv to a
// file and then runs the real git, so a test can see every command line
// mgit started. It returns the PATH to use and the argv log.
func gitArgvWrapper(t *testing.T) (path, argvLog string) {
	t.Helper()
	real, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not on PATH")
	}
	dir := t.TempDir()
	argvLog = filepath.Join(dir, "argv.log")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s\\n' \"$*\" >> '%s'\nexec '%s' \"$@\"\n", argvLog, real)
	if err := os.WriteFile(filepath.Join(dir, "git"), []byte(script), 0o755); err != nil { // #nosec G306 -- an executable test script
		t.Fatal(err)
	}
	return dir + string(os.PathListSeparator) + os.Getenv("PATH"), argvLog
}

// TestTokenLeaksNowhere: a token used for login, list, clone over a
// token-protected smart-HTTP server, a failing clone and a pull, with
// debug logging and --audit-log; afterwards it appears 0 times in stdout,
// stderr, the audit log, .git/config of every clone, the config, the
// cache, the state and in the argv of every git process mgit started.
func TestTokenLeaksNowhere(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const token = "ghp_LeakTest0123456789abcdefABCDEF012345"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	seeds := map[string]string{}
	for _, n := range []string{"app", "lib"} {
		seeds[n] = git.CreateRepo(t, "acme/"+n)
	}
	// "ghost" is listed but has no repository: its clone fails.
	api := newFakeGHE(t, token, git, "app", "lib", "ghost")

	base := t.TempDir()
	dirs := map[string]string{}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"} {
		dirs[k] = filepath.Join(base, strings.ToLower(k))
		r.env = append(r.env, k+"="+dirs[k])
	}
	path, argvLog := gitArgvWrapper(t)
	for i, e := range r.env {
		if strings.HasPrefix(e, "PATH=") {
			r.env[i] = "PATH=" + path
		}
	}
	r.env = append(r.env, "MGIT_KEYRING_BACKEND=file", "MGIT_KEYRING_PASSWORD=leak-test-pw")
	audit := filepath.Join(base, "audit", "audit.log")
	root := filepath.Join(r.dir, "src")
	g := []string{"--log-level", "debug", "--audit-log", audit, "--git-backend", "cli"}

	res := r.runStdin(token+"\n", nil, append(g, "login", "--provider", "github", "--name", "ghe", "--url", api.srv.URL, "--token-stdin")...)
	if res.code != 0 {
		t.Fatalf("login: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res = r.run(nil, append(g, "list", "acme/*", "-o", "json")...); res.code != 0 {
		t.Fatalf("list: exit %d\n%s", res.code, res.stderr)
	}
	res = r.run(nil, append(g, "clone", "acme/*", root, "-o", "json")...)
	if res.code != 1 || !strings.Contains(res.stdout, `"failed":1`) {
		t.Fatalf("clone with one missing repository: exit %d, want 1\n%s%s", res.code, res.stdout, res.stderr)
	}
	// An upstream commit, so the pull really fetches and merges with git
	// (an unchanged remote is settled in-process, starting no git at all).
	gittest.Commit(t, seeds["app"], "new.txt", "new\n", "upstream change")
	gittest.Push(t, seeds["app"])
	if res = r.run(nil, append(g, "pull", root)...); res.code != 0 {
		t.Fatalf("pull: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// A token pasted into a URL is refused, and not echoed.
	res = r.run(nil, append(g, "clone", "https://x:"+token+"@127.0.0.1/acme/app.git", root)...)
	if res.code != 2 {
		t.Fatalf("clone with a token in the URL: exit %d\n%s", res.code, res.stderr)
	}

	for i, o := range r.outputs {
		if strings.Contains(o, token) {
			t.Errorf("output %d contains the token:\n%s", i, o)
		}
	}
	auditText := mustRead(t, audit)
	for _, want := range []string{`"audit":true`, `"action":"login"`, `"action":"credential.write"`, `"action":"credential.read"`, `"action":"input.rejected"`} {
		if !strings.Contains(auditText, want) {
			t.Errorf("audit log lacks %s:\n%s", want, auditText)
		}
	}
	if fi, err := os.Stat(audit); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode: %v %v", fi, err)
	}
	argv := mustRead(t, argvLog)
	if !strings.Contains(argv, "clone") || !strings.Contains(argv, "pull") && !strings.Contains(argv, "fetch") {
		t.Fatalf("the git wrapper saw no clone and pull:\n%s", argv)
	}
	if strings.Contains(argv, token) {
		t.Errorf("a git command line carries the token:\n%s", argv)
	}
	searched, gitConfigs := 0, 0
	for _, d := range []string{dirs["XDG_CONFIG_HOME"], dirs["XDG_CACHE_HOME"], dirs["XDG_STATE_HOME"], dirs["XDG_DATA_HOME"], root, filepath.Dir(audit)} {
		_ = filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			data, rerr := os.ReadFile(p)
			if rerr != nil {
				t.Errorf("read %s: %v", p, rerr)
				return nil
			}
			searched++
			if filepath.Base(p) == "config" && filepath.Base(filepath.Dir(p)) == ".git" {
				gitConfigs++
			}
			if strings.Contains(string(data), token) {
				t.Errorf("%s contains the token", p)
			}
			return nil
		})
	}
	if gitConfigs < 2 || searched < 10 {
		t.Fatalf("too little searched: %d files, %d .git/config", searched, gitConfigs)
	}
}

// hostileNames are repository names a malicious server may list.
var hostileNames = []string{"../../x", "/etc/x", "a/../../b", "nul\x00byte", "new\nline", "\x1b[31mred\x1b]0;pwned\x07", ".git", "-uhack"}

// newHostileAPI serves a GitHub Enterprise API listing the hostile names
// and one good repository "good".
func newHostileAPI(t *testing.T, token string, git *gittest.Server) *httptest.Server {
	var repos []map[string]any
	for _, n := range append(append([]string{}, hostileNames...), "good") {
		repos = append(repos, map[string]any{
			"name": n, "full_name": "acme/" + n, "owner": map[string]any{"login": "acme"},
			"clone_url": git.URL("acme/good"), "default_branch": "main",
		})
	}
	repos = append(repos, map[string]any{
		"name": "badurl", "full_name": "acme/badurl", "owner": map[string]any{"login": "acme"},
		"clone_url": "ext::sh -c touch% /tmp/pwned", "default_branch": "main",
	}, map[string]any{
		"name": "badbranch", "full_name": "acme/badbranch", "owner": map[string]any{"login": "acme"},
		"clone_url": git.URL("acme/good"), "default_branch": "--upload-pack=x",
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/api/v3/user":
			_, _ = w.Write([]byte(`{"login":"octo"}`))
		case "/api/v3/orgs/acme/repos":
			_ = json.NewEncoder(w).Encode(repos)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestHostileProvider: names that escape, control characters, a bad clone
// URL and branch, and a symlink planted in the workspace: nothing is
// written outside the workspace and no control sequence reaches output.
func TestHostileProvider(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const token = "hostile-test-token-42"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	git.CreateRepo(t, "acme/good")
	api := newHostileAPI(t, token, git)
	base := t.TempDir()
	r.env = append(r.env, "XDG_CONFIG_HOME="+filepath.Join(base, "config"), "XDG_CACHE_HOME="+filepath.Join(base, "cache"),
		"MGIT_KEYRING_BACKEND=env", "MGIT_TOKEN_EVIL="+token)
	cfg := filepath.Join(base, "config", "mgit", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(cfg), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg, "providers:\n  - name: evil\n    type: github\n    url: "+api.URL+"\n")

	// The workspace sits in a sentinel directory that must stay as it is.
	sentinel := filepath.Join(base, "sentinel")
	root := filepath.Join(sentinel, "ws")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	hostDir := strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(git.URL(""), "http://"), ":", "_"), "/.git")
	if err := os.MkdirAll(filepath.Join(root, hostDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, hostDir, "acme")); err != nil {
		t.Fatal(err)
	}

	outputs := []result{
		r.run(nil, "list", "acme/*"),
		r.run(nil, "list", "acme/*", "-o", "json"),
	}
	// Through the planted symlink: refused.
	res := r.run(nil, "clone", "acme/*", root, "-o", "json")
	if res.code == 0 {
		t.Fatalf("clone through a symlink out of the workspace succeeded\n%s%s", res.stdout, res.stderr)
	}
	outputs = append(outputs, res)
	// Without it: only "good" is cloned, inside the workspace.
	if err := os.Remove(filepath.Join(root, hostDir, "acme")); err != nil {
		t.Fatal(err)
	}
	res = r.run(nil, "clone", "acme/*", root)
	if res.code != 0 {
		t.Fatalf("clone: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	outputs = append(outputs, res)
	if _, err := os.Stat(filepath.Join(root, hostDir, "acme", "good", ".git")); err != nil {
		t.Fatalf("good repository not cloned: %v", err)
	}

	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("written through the symlink: %v", ents)
	}
	_ = filepath.WalkDir(sentinel, func(p string, e fs.DirEntry, err error) error {
		if err == nil && p != sentinel && p != root && !strings.HasPrefix(p, root+string(filepath.Separator)) {
			t.Errorf("written outside the workspace: %s", p)
		}
		return nil
	})
	if _, err := os.Stat("/tmp/pwned"); err == nil {
		t.Error("/tmp/pwned exists: the ext:: URL ran")
	}
	ents, _ := os.ReadDir(filepath.Join(root, hostDir, "acme"))
	if len(ents) != 1 || ents[0].Name() != "good" {
		t.Errorf("workspace holds %v, want only good", ents)
	}
	for i, o := range outputs {
		for _, s := range []string{o.stdout, o.stderr} {
			if strings.ContainsAny(s, "\x1b\x00\x07") {
				t.Errorf("output %d carries a control character: %q", i, s)
			}
			if strings.Contains(s, token) {
				t.Errorf("output %d carries the token", i)
			}
		}
	}
	if !strings.Contains(outputs[0].stderr, "listed repository refused") || !strings.Contains(outputs[0].stdout, "acme/good") {
		t.Errorf("list: refusals not logged or good missing:\n%s\n%s", outputs[0].stdout, outputs[0].stderr)
	}
}
