package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// run calls Main in-process with env as the whole environment.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := writeFile(t, filepath.Join(dir, "file"), "x")
	empty := writeFile(t, filepath.Join(dir, "empty.txt"), "# nothing here\n\n")
	twoSameName := writeFile(t, filepath.Join(dir, "flat.txt"),
		"https://a.example/x/repo.git\nhttps://b.example/y/repo\n")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string // in stderr
	}{
		{"unknown flag", nil, []string{"--bogus"}, "unknown flag: --bogus"},
		{"unknown subcommand flag", nil, []string{"status", "--rebase", dir}, "Run 'mgit status --help'"},
		{"unknown command", nil, []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"bad output", nil, []string{"status", "--output", "yaml", dir}, "--output text or --output json"},
		{"bad backend", nil, []string{"--git-backend", "svn", "status", dir}, "auto, cli or go-git"},
		{"bad log level", nil, []string{"--log-level", "loud", "status", dir}, "log level"},
		{"bad log level env", map[string]string{"MGIT_LOG_LEVEL": "loud"}, []string{"status", dir}, "MGIT_LOG_LEVEL"},
		{"bad log format", nil, []string{"--log-format", "xml", "status", dir}, "log format"},
		{"negative concurrency", nil, []string{"--concurrency", "-1", "fetch", dir}, "--concurrency"},
		{"bad timeout", nil, []string{"--timeout", "soon", "status", dir}, "invalid argument"},
		{"dir is a file", nil, []string{"status", file}, "is not a directory"},
		{"dir missing", nil, []string{"pull", filepath.Join(dir, "nope")}, "no such directory"},
		{"too many args", nil, []string{"status", dir, dir}, "too many arguments"},
		{"clone without source", nil, []string{"clone"}, "missing SOURCE"},
		{"clone from missing file", nil, []string{"clone", "--from", filepath.Join(dir, "nope.txt"), dir}, "--from"},
		{"clone from empty file", nil, []string{"clone", "--from", empty, dir}, "no URLs"},
		{"clone from with two args", nil, []string{"clone", "--from", twoSameName, dir, dir}, "too many arguments"},
		{"clone flat collision", nil, []string{"clone", "--layout", "flat", "--from", twoSameName, dir}, "--layout host"},
		{"clone escaping url", nil, []string{"clone", "https://example.com/a/../../etc", dir}, "unsafe destination"},
		{"clone relative path", nil, []string{"clone", "./some/dir", dir}, "not a URL"},
		{"clone query without providers", nil, []string{"clone", "some/dir", dir}, "not a URL, and no provider is configured"},
		{"clone bad update mode", nil, []string{"clone", "--update-mode", "merge", "https://h.example/o/r", dir}, "skip, pull or force"},
		{"clone bad layout", nil, []string{"clone", "--layout", "deep", "https://h.example/o/r", dir}, "--layout host or --layout flat"},
		{"clone negative depth", nil, []string{"clone", "--depth", "-1", "https://h.example/o/r", dir}, "--depth"},
		{"discard without force", nil, []string{"clone", "--discard-local-changes", "https://h.example/o/r", dir}, "--update-mode force"},
		{"token in url", nil, []string{"clone", "https://me:tok3n-in-url@h.example/o/r", dir}, "MGIT_TOKEN"},
		{"clone into a file", nil, []string{"clone", "https://h.example/o/r", file}, "is not a directory"},
		{"rebase with go-git", nil, []string{"--git-backend", "go-git", "pull", "--rebase", dir}, "--git-backend cli"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.env, tc.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %q", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q lacks %q", stderr, tc.want)
			}
			if !strings.HasPrefix(stderr, "mgit: ") || strings.Count(stderr, "\n") < 2 {
				t.Errorf("want 'mgit: <problem>' and a line saying how to fix it, got %q", stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if strings.Contains(stderr, "tok3n-in-url") {
				t.Errorf("secret from URL echoed: %q", stderr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("usage errors must not create anything; %s holds %d entries", dir, len(entries))
	}
}

func TestHelpTeaches(t *testing.T) {
	code, stdout, _ := run(t, nil, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"Exit codes:", "130", "MGIT_TOKEN", "Examples:", "clone", "pull", "status", "fetch", "completion"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("root help lacks %q", want)
		}
	}
	for _, sub := range []string{"status", "fetch", "pull", "clone"} {
		_, out, _ := run(t, nil, sub, "--help")
		if !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help has no examples", sub)
		}
	}
	_, out, _ := run(t, nil, "pull-all", "--help")
	if !strings.Contains(out, "--rebase") {
		t.Error("pull-all is not an alias of pull")
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "mgit ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, _ = run(t, nil, "version", "-o", "json")
	var v map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["type"] != "version" || v["version"] == "" {
		t.Fatalf("version json: %d %q", code, out)
	}
}

// workspaceFixture makes root/clean (a clone tracking origin) and
// root/sub/dirty (with an untracked file), both from one bare origin. Git,
// here and in Main, reads the package's clean configuration (TestMain), so
// the tests using it may run in parallel.
func workspaceFixture(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	seed := filepath.Join(base, "seed")
	gittest.InitRepo(t, seed)
	gittest.Commit(t, seed, "README.md", "hi\n", "first \x1b[31mcommit")
	bare := filepath.Join(base, "origin.git")
	gittest.Git(t, base, "clone", "--bare", "-q", seed, bare)
	root := filepath.Join(base, "ws")
	gittest.Clone(t, bare, filepath.Join(root, "clean"))
	gittest.Clone(t, bare, filepath.Join(root, "sub", "dirty"))
	gittest.WriteFile(t, filepath.Join(root, "sub", "dirty"), "new.txt", "x")
	return root
}

func TestStatusInProcess(t *testing.T) {
	t.Parallel()
	root := workspaceFixture(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			code, out, stderr := run(t, nil, "--git-backend", backend, "status", "-o", "json", root)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			states := map[string]string{}
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("%q: %v", line, err)
				}
				if m["type"] == "status" {
					states[m["path"].(string)] = m["state"].(string)
					if subj := m["head"].(map[string]any)["subject"]; subj != "first commit" {
						t.Errorf("subject %q not sanitised", subj)
					}
				}
			}
			want := map[string]string{filepath.Join(root, "clean"): "clean", filepath.Join(root, "sub/dirty"): "dirty"}
			if len(states) != 2 || states[filepath.Join(root, "clean")] != want[filepath.Join(root, "clean")] ||
				states[filepath.Join(root, "sub/dirty")] != "dirty" {
				t.Errorf("states %v, want %v", states, want)
			}

			code, out, _ = run(t, nil, "--git-backend", backend, "status", "--fail-on-dirty", root)
			if code != 1 {
				t.Errorf("--fail-on-dirty: exit %d, want 1", code)
			}
			if !strings.Contains(out, "sub/dirty") || strings.Contains(out, "clean  main") {
				t.Errorf("table should list only the dirty repo:\n%s", out)
			}
		})
	}
}

// TestNoSubcommandIsStatusOfCwd is not parallel: it is about the process's
// working directory (t.Chdir), which Main and discovery read.
func TestNoSubcommandIsStatusOfCwd(t *testing.T) {
	root := workspaceFixture(t)
	t.Chdir(root)
	code, _, stderr := run(t, nil, "--all")
	if code != 2 || !strings.Contains(stderr, "unknown flag") {
		t.Errorf("status flags belong to status: %d %q", code, stderr)
	}
	code, out, stderr := run(t, nil)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Paths are as usable from the working directory: relative to ".".
	if !strings.Contains(out, "sub/dirty") || strings.Contains(out, root) || !strings.Contains(out, "2 repositories") {
		t.Errorf("mgit with no command:\n%s", out)
	}
}

func TestCloneDryRunCreatesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "new")
	code, out, stderr := run(t, nil, "clone", "--dry-run", "-o", "json", "https://h.example/o/r.git", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("dry run created %s", dir)
	}
	if !strings.Contains(out, `"path":"`+filepath.Join(dir, "h.example/o/r")+`"`) {
		t.Errorf("dry run output %s", out)
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	if src := credroute.FromEnv(func(string) string { return "" }); src != nil {
		t.Fatalf("no token must give a nil source, got %#v", src)
	}
	env := map[string]string{"MGIT_TOKEN": "t0k"}
	c, ok := credroute.FromEnv(func(k string) string { return env[k] }).Credentials("any.host")
	if !ok || c.Username != "x-access-token" || c.Password != "t0k" || !strings.Contains(c.Hint, "$MGIT_TOKEN was rejected by any.host") {
		t.Fatalf("got %v %v %q", c, ok, c.Hint)
	}
	env["MGIT_USERNAME"] = "me"
	c, _ = credroute.FromEnv(func(k string) string { return env[k] }).Credentials("any.host")
	if c.Username != "me" {
		t.Fatalf("username %q", c.Username)
	}
}

func TestReadURLFile(t *testing.T) {
	f := writeFile(t, filepath.Join(t.TempDir(), "urls"), "# repos\n\n  https://h/a/b  \n\t# indented comment\ngit@h:c/d.git\n")
	urls, err := readURLFile(f)
	if err != nil || strings.Join(urls, ",") != "https://h/a/b,git@h:c/d.git" {
		t.Fatalf("got %q, %v", urls, err)
	}
}

func TestRejectURLSecret(t *testing.T) {
	for raw, refuse := range map[string]bool{
		"https://github.com/o/r.git":                                      false,
		"https://alice@github.com/o/r.git":                                false,
		"https://alice:s3cret@github.com/o/r.git":                         true,
		"https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r": true,
		"https://alice:s3cret@github.com:bad/o/r.git":                     true, // unparsable
		"git@github.com:o/r.git":                                          false,
	} {
		err := rejectURLSecret(raw)
		if (err != nil) != refuse {
			t.Errorf("rejectURLSecret(%q) = %v, want refusal %v", raw, err, refuse)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("the refusal repeats the secret: %v", err)
		}
	}
}
