package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/internal/testbin"
)

// The end-to-end tests build the real binary and drive it as a user or a
// script would: a clean environment, a real smart-HTTP server requiring a
// token, exit codes and stdout parsed line by line.

const e2eToken = "e2e-s3cret-T0KEN"

// e2e is the package's one build of the binary, shared by every
// end-to-end test (building it per test cost seconds each). TestMain sets
// dir and buildEnv before any test runs.
var e2e struct {
	dir      string   // TestMain's scratch directory, removed at the end
	buildEnv []string // the environment before gittest.IsolateProcess
	once     sync.Once
	bin      string
	err      error
}

// buildBinary returns mgit built once for the package (testbin.Build, the
// same flags as the ui and root packages' end-to-end tests, so they share
// the build cache), building it on the first call.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test builds the binary; skipped with -short")
	}
	e2e.once.Do(func() { e2e.bin, e2e.err = testbin.Build(e2e.dir, e2e.buildEnv) })
	if e2e.err != nil {
		t.Fatal(e2e.err)
	}
	return e2e.bin
}

// envValue is the last value env ("K=V") gives key, "" when none.
func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if strings.HasPrefix(kv, key+"=") {
			v = strings.TrimPrefix(kv, key+"=")
		}
	}
	return v
}

// mgitRunner runs the binary in dir with a minimal environment.
type mgitRunner struct {
	t       *testing.T
	bin     string
	dir     string
	env     []string
	outputs []string // every stdout and stderr, to search for the token
}

type result struct {
	code           int
	stdout, stderr string
}

// newRunner gives the test a HOME of its own through the child's
// environment only (gittest.Home), so end-to-end tests may run in parallel.
func newRunner(t *testing.T, bin string) *mgitRunner {
	home, gitEnv := gittest.Home(t)
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"GIT_CONFIG_GLOBAL=" + envValue(gitEnv, "GIT_CONFIG_GLOBAL"),
		"GIT_CONFIG_NOSYSTEM=1",
		"LANG=C",
	}
	if dir := os.Getenv("GOCOVERDIR"); dir != "" {
		env = append(env, "GOCOVERDIR="+dir) // where a -cover binary writes
	}
	return &mgitRunner{t: t, bin: bin, dir: t.TempDir(), env: env}
}

func (r *mgitRunner) command(extraEnv []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(r.bin, args...)
	cmd.Dir = r.dir
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

func (r *mgitRunner) run(extraEnv []string, args ...string) result {
	r.t.Helper()
	cmd, out, errb := r.command(extraEnv, args...)
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		r.t.Fatalf("run mgit %v: %v", args, err)
	}
	r.outputs = append(r.outputs, out.String(), errb.String())
	return result{code: cmd.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String()}
}

// ndjson parses every line of out as a JSON object with a "type".
func ndjson(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q: %v", line, err)
		}
		if _, ok := m["type"].(string); !ok {
			t.Fatalf("line without type: %q", line)
		}
		objs = append(objs, m)
	}
	if len(objs) == 0 || objs[len(objs)-1]["type"] != "summary" {
		t.Fatalf("last line must be the summary:\n%s", out)
	}
	return objs
}

func hasKeys(t *testing.T, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			t.Errorf("%v object lacks %q: %v", m["type"], k, m)
		}
	}
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			endToEnd(t, bin, backend)
		})
	}
}

func endToEnd(t *testing.T, bin, backend string) {
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: e2eToken})
	appSeed := srv.CreateRepo(t, "org/app")
	libSeed := srv.CreateRepo(t, "org/lib")
	tokenEnv := []string{"MGIT_TOKEN=" + e2eToken}
	be := "--git-backend=" + backend
	hostDir := strings.ReplaceAll(strings.TrimPrefix(strings.Split(srv.URL("x"), "/x.git")[0], "http://"), ":", "_")
	appPath := filepath.Join("ws", hostDir, "org", "app")
	libPath := filepath.Join("ws", hostDir, "org", "lib")

	// Clone from a list, into a directory that does not exist yet.
	list := filepath.Join(r.dir, "repos.txt")
	writeFile(t, list, "# work repos\n"+srv.URL("org/app")+"\n\n"+srv.URL("org/lib")+"\n")
	res := r.run(tokenEnv, be, "clone", "--from", list, "-o", "json", "ws")
	if res.code != 0 {
		t.Fatalf("clone: exit %d\nstdout %s\nstderr %s", res.code, res.stdout, res.stderr)
	}
	ops := 0
	for _, o := range ndjson(t, res.stdout) {
		switch o["type"] {
		case "op":
			ops++
			hasKeys(t, o, "op", "path", "result", "duration_ms", "error", "run_id", "op_id", "detail", "attempts")
			if o["op"] != "clone" || o["result"] != "ok" || o["error"] != nil {
				t.Errorf("clone op %v", o)
			}
			if p := o["path"]; p != appPath && p != libPath {
				t.Errorf("op path %v, want %s or %s", p, appPath, libPath)
			}
		case "summary":
			if o["ok"] != 2.0 || o["failed"] != 0.0 || o["exit_code"] != 0.0 {
				t.Errorf("clone summary %v", o)
			}
		}
	}
	if ops != 2 {
		t.Errorf("want 2 op lines, got %d", ops)
	}
	for _, p := range []string{appPath, libPath} {
		if gittest.ReadFile(t, filepath.Join(r.dir, p), "README.md") == "" {
			t.Errorf("%s: empty README", p)
		}
	}

	// Cloning again skips the existing destination.
	res = r.run(tokenEnv, be, "clone", srv.URL("org/app"), "ws")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "skip "+appPath) {
		t.Errorf("re-clone: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}

	// status --output json: every line parses, shapes and values are exact.
	res = r.run(nil, be, "status", "--output", "json", "ws")
	if res.code != 0 {
		t.Fatalf("status: exit %d: %s", res.code, res.stderr)
	}
	objs := ndjson(t, res.stdout)
	statuses := map[string]map[string]any{}
	for _, o := range objs {
		if o["type"] == "status" {
			hasKeys(t, o, "path", "branch", "upstream", "ahead", "behind", "staged", "unstaged", "untracked",
				"conflicts", "stash", "state", "head", "error")
			statuses[o["path"].(string)] = o
		}
	}
	if len(statuses) != 2 {
		t.Fatalf("want 2 status lines, got %d:\n%s", len(statuses), res.stdout)
	}
	for p, s := range statuses {
		want := map[string]any{"branch": "main", "upstream": "origin/main", "ahead": 0.0, "behind": 0.0,
			"staged": 0.0, "unstaged": 0.0, "untracked": 0.0, "conflicts": 0.0, "stash": 0.0, "state": "clean", "error": nil}
		for k, v := range want {
			if s[k] != v {
				t.Errorf("%s: %s = %v, want %v", p, k, s[k], v)
			}
		}
		head, _ := s["head"].(map[string]any)
		hasKeys(t, head, "sha", "subject", "author", "time")
		if head["sha"] != gittest.Head(t, filepath.Join(r.dir, p)) {
			t.Errorf("%s: head %v", p, head)
		}
		if _, err := time.Parse(time.RFC3339, head["time"].(string)); err != nil {
			t.Errorf("%s: head time %v: %v", p, head["time"], err)
		}
	}
	sum := objs[len(objs)-1]
	hasKeys(t, sum, "ok", "failed", "skipped", "duration_ms", "exit_code")
	if sum["ok"] != 2.0 || sum["exit_code"] != 0.0 {
		t.Errorf("status summary %v", sum)
	}

	// A dirty work tree: --fail-on-dirty exits 1, the table shows it.
	gittest.WriteFile(t, filepath.Join(r.dir, appPath), "notes.txt", "wip")
	res = r.run(nil, be, "status", "--fail-on-dirty", "ws")
	if res.code != 1 {
		t.Errorf("--fail-on-dirty: exit %d, want 1\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, appPath) || !strings.Contains(res.stdout, "dirty") ||
		strings.Contains(res.stdout, libPath) || strings.Contains(res.stdout, "\x1b") {
		t.Errorf("status table:\n%s", res.stdout)
	}
	if res = r.run(nil, be, "status", "ws"); res.code != 0 {
		t.Errorf("dirty without --fail-on-dirty: exit %d", res.code)
	}

	// An upstream commit, then pull fast-forwards.
	newHead := gittest.Commit(t, libSeed, "CHANGELOG.md", "v2\n", "release v2")
	gittest.Push(t, libSeed)
	gittest.Commit(t, appSeed, "app.go", "package app\n", "add app")
	gittest.Push(t, appSeed)
	// status --fetch sees the new upstream commits before any pull.
	res = r.run(tokenEnv, be, "status", "--fetch", "-o", "json", "ws")
	if res.code != 0 {
		t.Fatalf("status --fetch: exit %d: %s", res.code, res.stderr)
	}
	for _, o := range ndjson(t, res.stdout) {
		if o["type"] == "status" && o["path"] == libPath && (o["behind"] != 1.0 || o["state"] != "behind") {
			t.Errorf("status --fetch of lib: %v", o)
		}
	}
	res = r.run(tokenEnv, be, "pull", "ws")
	if res.code != 0 {
		t.Fatalf("pull: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if got := gittest.Head(t, filepath.Join(r.dir, libPath)); got != newHead {
		t.Errorf("lib HEAD %s after pull, want %s", got, newHead)
	}
	if !strings.Contains(res.stdout, "ok   "+libPath) || !strings.Contains(res.stdout, "pull: 2 ok, 0 failed, 0 skipped") {
		t.Errorf("pull output:\n%s", res.stdout)
	}

	t.Logf("pull output:\n%s", res.stdout)

	// A wrong token: exit 3, nothing left behind.
	res = r.run([]string{"MGIT_TOKEN=wrong-token"}, be, "clone", srv.URL("org/app"), "ws2")
	if res.code != 3 {
		t.Errorf("wrong token: exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stdout, "FAIL "+filepath.Join("ws2", hostDir, "org", "app")) ||
		!strings.Contains(res.stdout, "MGIT_TOKEN") {
		t.Errorf("wrong token output:\n%s", res.stdout)
	}
	if entries, err := os.ReadDir(filepath.Join(r.dir, "ws2", hostDir, "org")); err == nil && len(entries) > 0 {
		t.Errorf("failed clone left %d entries behind", len(entries))
	}

	// Usage errors: exit 2.
	if res = r.run(nil, "status", "--no-such-flag"); res.code != 2 || res.stdout != "" {
		t.Errorf("bad flag: exit %d, stdout %q", res.code, res.stdout)
	}
	if res = r.run(nil, "version"); res.code != 0 || !strings.HasPrefix(res.stdout, "mgit "+testbin.Version+" ") {
		t.Errorf("version: %d %q", res.code, res.stdout)
	}

	// The token appears nowhere: output, logs, git config, request lines.
	res = r.run(tokenEnv, be, "--log-level", "debug", "fetch", "ws")
	if res.code != 0 {
		t.Errorf("fetch: exit %d: %s", res.code, res.stderr)
	}
	t.Logf("fetch output:\n%s%s", res.stdout, res.stderr)
	for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
		if !strings.Contains(line, `"run_id":"`) {
			t.Errorf("log line without run_id: %s", line)
		}
	}
	for _, o := range r.outputs {
		if strings.Contains(o, e2eToken) {
			t.Errorf("token in output: %q", o)
		}
	}
	_ = filepath.WalkDir(r.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (d.Name() == "config" || strings.HasSuffix(p, "FETCH_HEAD")) {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(e2eToken)) {
				t.Errorf("token stored in %s", p)
			}
		}
		return nil
	})
	if srv.CredentialsInURL() {
		t.Error("credentials were sent in a URL")
	}
}

// TestEndToEndInterrupt sends SIGINT to a clone stuck mid-transfer: mgit must
// exit 130 promptly and leave no half-clone behind.
func TestEndToEndInterrupt(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: e2eToken})
	srv.CreateRepo(t, "org/big")
	entered, release := srv.StallPack()
	defer release()

	cmd, out, errb := r.command([]string{"MGIT_TOKEN=" + e2eToken}, "clone", "-o", "json", srv.URL("org/big"), "ws")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("mgit exited before the transfer stalled: %v\n%s%s", err, out, errb)
	case <-time.After(30 * time.Second):
		t.Fatal("the clone never reached the server")
	}
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("mgit did not stop within 10s of SIGINT")
	}
	t.Logf("stopped %v after SIGINT", time.Since(sent).Round(time.Millisecond))
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130\n%s%s", code, out, errb)
	}
	objs := ndjson(t, out.String())
	if sum := objs[len(objs)-1]; sum["interrupted"] != true || sum["exit_code"] != 130.0 {
		t.Errorf("summary %v", sum)
	}
	_ = filepath.WalkDir(filepath.Join(r.dir, "ws"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && (d.Name() == "big" || strings.Contains(d.Name(), ".mgit-clone-")) {
			t.Errorf("half-clone left behind: %s", p)
		}
		return nil
	})
}
