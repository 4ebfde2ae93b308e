package gittest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Isolate makes git in this test process (and every git child it starts)
// ignore the machine's configuration: a fresh global config with an identity
// and init.defaultBranch=main, no system config, no terminal prompts and a
// temporary HOME. It returns the temporary HOME.
//
// It uses t.Setenv, so the test must not call t.Parallel. A parallel test
// uses Home for the children it starts, and relies on IsolateProcess (run
// once by the package's TestMain) for the git helpers of this package.
func Isolate(t testing.TB) string {
	t.Helper()
	home, env := Home(t)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	// Variables a developer's shell may carry that would change what git does.
	for _, k := range leakyVars {
		unsetenv(t, k)
	}
	return home
}

// leakyVars are variables a developer's shell may carry that would change
// what git does.
var leakyVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_ASKPASS", "SSH_ASKPASS",
	"GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"}

// Home creates a temporary HOME holding the git configuration Isolate
// installs, and returns it with the environment ("K=V") that makes git use
// it. Unlike Isolate it changes nothing in this process: the environment is
// for the Env of a child the test starts, so tests using it may run in
// parallel.
func Home(t testing.TB) (home string, env []string) {
	t.Helper()
	home = t.TempDir()
	env, err := writeHome(home)
	if err != nil {
		t.Fatalf("isolate: %v", err)
	}
	return home, env
}

// IsolateProcess is Isolate for a whole test binary: a package's TestMain
// calls it once, before m.Run, with a directory of its own (removed after
// m.Run), so that tests marked t.Parallel — which cannot call Isolate — run
// git with a clean configuration too. Tests that call Isolate still get a
// HOME of their own while they run.
func IsolateProcess(home string) error {
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	env, err := writeHome(home)
	if err != nil {
		return err
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	for _, k := range leakyVars {
		if err := os.Unsetenv(k); err != nil {
			return err
		}
	}
	return nil
}

// gitConfig is the isolated global git configuration.
const gitConfig = "[user]\n\tname = Test User\n\temail = test@example.com\n" +
	"[init]\n\tdefaultBranch = main\n" +
	"[advice]\n\tdetachedHead = false\n"

// writeHome writes the isolated git configuration into home and returns
// the environment that selects it.
func writeHome(home string) ([]string, error) {
	cfg := filepath.Join(home, "gitconfig")
	if err := os.WriteFile(cfg, []byte(gitConfig), 0o600); err != nil {
		return nil, err
	}
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"GIT_CONFIG_GLOBAL=" + cfg,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_TERMINAL_PROMPT=0",
	}, nil
}

// unsetenv removes k for the duration of the test (t.Setenv restores it).
func unsetenv(t testing.TB, k string) {
	t.Helper()
	if _, ok := os.LookupEnv(k); !ok {
		return
	}
	t.Setenv(k, "")
	os.Unsetenv(k)
}

// Git runs the git CLI in dir and returns its trimmed stdout; it fails the
// test with git's stderr when git fails.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	return GitEnv(t, dir, nil, args...)
}

// GitEnv is Git with extra environment variables ("K=V").
func GitEnv(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	out, err := TryGitEnv(dir, env, args...)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// TryGit runs git like Git but returns the failure (with stderr in its
// message) instead of failing the test: for steps that are expected to fail,
// such as a merge that conflicts.
func TryGit(dir string, args ...string) (string, error) {
	return TryGitEnv(dir, nil, args...)
}

// TryGitEnv is TryGit with extra environment variables ("K=V").
//
// An empty dir runs git in the system temporary directory, never in the
// test's package directory: that is inside the project's own repository.
func TryGitEnv(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if dir == "" {
		cmd.Dir = os.TempDir()
	}
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return strings.TrimSpace(stdout.String()),
			fmt.Errorf("git %s (in %s): %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// AuthEnv returns environment variables that make the git CLI send basic
// auth with user and password on every HTTP request. The secret travels in
// GIT_CONFIG_* variables: never argv, the remote URL or .git/config.
func AuthEnv(user, password string) []string {
	if user == "" {
		user = "git"
	}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	return []string{
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=http.extraHeader",
		"GIT_CONFIG_VALUE_0=Authorization: Basic " + basic,
	}
}

// InitRepo creates a non-bare repository with branch main at dir (created if
// missing) and no commits.
func InitRepo(t testing.TB, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("init repo: %v", err)
	}
	Git(t, dir, "init", "-q", "-b", "main")
}

// WriteFile writes content to dir/file, creating parent directories.
func WriteFile(t testing.TB, dir, file, content string) {
	t.Helper()
	p := filepath.Join(dir, file)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatalf("write %s: %v", file, err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatalf("write %s: %v", file, err)
	}
}

// ReadFile returns the content of dir/file.
func ReadFile(t testing.TB, dir, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	return string(b)
}

// Commit writes content to file, stages it and commits it with msg; it
// returns the new HEAD commit ID.
func Commit(t testing.TB, dir, file, content, msg string) string {
	t.Helper()
	WriteFile(t, dir, file, content)
	Git(t, dir, "add", "--", file)
	Git(t, dir, "commit", "-q", "-m", msg)
	return Head(t, dir)
}

// Head returns the commit ID of HEAD in dir.
func Head(t testing.TB, dir string) string {
	t.Helper()
	return Git(t, dir, "rev-parse", "HEAD")
}

// Clone clones url into dest with the git CLI, without credentials.
func Clone(t testing.TB, url, dest string) {
	t.Helper()
	Git(t, "", "clone", "-q", url, dest)
}

// CloneAuth clones url into dest with the git CLI, sending basic auth
// through the environment (see AuthEnv).
func CloneAuth(t testing.TB, url, dest, user, password string) {
	t.Helper()
	GitEnv(t, "", AuthEnv(user, password), "clone", "-q", url, dest)
}

// Push pushes the current branch of dir to its origin remote.
func Push(t testing.TB, dir string) {
	t.Helper()
	Git(t, dir, "push", "-q", "origin", "HEAD")
}

// RunIsolated is a test binary's TestMain body: it puts the temporary
// files on tmpfs when it can (useTmpfs), makes a scratch directory
// (removed at the end), calls before with it (nil: nothing),
// isolates git's configuration for the whole process under it
// (IsolateProcess), and runs the tests. It returns the exit status, a
// failure when the tests passed but one of them changed the process's git
// configuration (CheckShared).
func RunIsolated(m *testing.M, name string, before func(dir string)) int {
	return withScratch(name, func(dir string) int {
		if before != nil {
			before(dir)
		}
		home := filepath.Join(dir, "home")
		if err := IsolateProcess(home); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		code := m.Run()
		if err := CheckShared(home); err != nil {
			fmt.Fprintln(os.Stderr, "gittest:", err)
			if code == 0 {
				code = 1
			}
		}
		return code
	})
}

// withScratch is the start of RunIsolated and TempMain: the temporary
// files on tmpfs when it can (useTmpfs) and a scratch directory for the
// test binary, both removed when run returns.
func withScratch(name string, run func(dir string) int) int {
	defer useTmpfs(name)()
	dir, err := os.MkdirTemp("", "mgit-"+name+"-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	return run(dir)
}

// CheckShared reports whether the git configuration IsolateProcess wrote
// under home is still as written. Every test of the binary that does not
// call Isolate shares it, the parallel ones at the same time: a test that
// changed it (git config --global without a HOME of its own) would change
// what git does in the others, and pass or fail by their order.
func CheckShared(home string) error {
	cfg := filepath.Join(home, "gitconfig")
	b, err := os.ReadFile(cfg)
	if err != nil {
		return fmt.Errorf("the shared git configuration: %w", err)
	}
	if string(b) != gitConfig {
		return fmt.Errorf("a test changed the git configuration every test shares, %s "+
			"(give it its own with Isolate, or Home for a child):\n%s", cfg, b)
	}
	return nil
}

// EmptyTemplate makes git, in this process and the children it starts,
// create every repository from an empty template directory made under dir
// (GIT_TEMPLATE_DIR) instead of git's own, whose 16 sample hooks,
// description and comment-only info/exclude are 18 of a fresh
// repository's 28 files. No test of the git-heavy packages reads them,
// and creating files is the largest cost of those tests (on ext4 without
// a journal each new inode scans the recently deleted ones: 58 % of
// engine/git/gogit's test CPU). A test that needs hooks or info/exclude
// writes them. It sets the process environment: call it from TestMain
// before the tests run (RunIsolated's before, or with TempMain). Without
// the directory git falls back to its own template: slower, not wrong.
func EmptyTemplate(dir string) {
	tmpl := filepath.Join(dir, "template")
	if os.Mkdir(tmpl, 0o700) != nil {
		return
	}
	if err := os.Setenv("GIT_TEMPLATE_DIR", tmpl); err != nil {
		fmt.Fprintln(os.Stderr, "gittest: git's default template stays:", err)
	}
}

// TempMain runs the tests of a package whose TestMain needs a scratch
// directory for setup but no isolated git configuration (RunIsolated's):
// setup gets the directory first; the temporary files go to tmpfs when
// they can (useTmpfs). It returns the exit code for os.Exit.
func TempMain(m *testing.M, name string, setup func(dir string)) int {
	return withScratch(name, func(dir string) int {
		setup(dir)
		return m.Run()
	})
}
