package gittest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIsolate(t *testing.T) {
	t.Setenv("GIT_DIR", "/nonexistent") // a leftover that would break every git call
	home := Isolate(t)
	if got := os.Getenv("HOME"); got != home {
		t.Fatalf("HOME = %q, want %q", got, home)
	}
	if _, ok := os.LookupEnv("GIT_DIR"); ok {
		t.Fatal("GIT_DIR still set")
	}
	for key, want := range map[string]string{
		"user.name": "Test User", "user.email": "test@example.com", "init.defaultBranch": "main",
	} {
		if got := Git(t, "", "config", "--get", key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	origin := Git(t, "", "config", "--show-origin", "--get", "user.name")
	if !strings.Contains(origin, home) {
		t.Errorf("user.name comes from %q, want the isolated config under %s", origin, home)
	}
}

func TestFixtures(t *testing.T) {
	Isolate(t)
	dir := filepath.Join(t.TempDir(), "a", "repo")
	InitRepo(t, dir)
	if got := Git(t, dir, "symbolic-ref", "--short", "HEAD"); got != "main" {
		t.Fatalf("branch = %q, want main", got)
	}
	sha := Commit(t, dir, "sub/f.txt", "hello\n", "first")
	if sha != Head(t, dir) || len(sha) != 40 {
		t.Fatalf("Commit returned %q, HEAD is %q", sha, Head(t, dir))
	}
	if got := Git(t, dir, "log", "-1", "--format=%s|%an"); got != "first|Test User" {
		t.Fatalf("log = %q", got)
	}
	if got := ReadFile(t, dir, "sub/f.txt"); got != "hello\n" {
		t.Fatalf("ReadFile = %q", got)
	}
	if _, err := TryGit(dir, "rev-parse", "--verify", "nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("TryGit error = %v, want one naming the failed command", err)
	}

	bare := filepath.Join(t.TempDir(), "bare.git")
	Git(t, "", "init", "-q", "--bare", bare)
	Git(t, dir, "remote", "add", "origin", bare)
	Push(t, dir)
	clone := filepath.Join(t.TempDir(), "clone")
	Clone(t, bare, clone)
	if Head(t, clone) != sha {
		t.Fatal("clone HEAD differs from the pushed commit")
	}
}

// TestHomeChangesNothingInTheProcess: Home's environment selects the same
// isolated configuration for a child, and the test process keeps its own
// HOME, so tests that use it may run in parallel.
func TestHomeChangesNothingInTheProcess(t *testing.T) {
	before := os.Getenv("HOME")
	home, env := Home(t)
	if got := os.Getenv("HOME"); got != before {
		t.Fatalf("HOME changed to %q", got)
	}
	if !containsKV(env, "HOME="+home) || !containsKV(env, "GIT_CONFIG_NOSYSTEM=1") {
		t.Fatalf("env %q lacks HOME=%s or GIT_CONFIG_NOSYSTEM=1", env, home)
	}
	origin := GitEnv(t, "", env, "config", "--show-origin", "--get", "user.name")
	if !strings.Contains(origin, home) || !strings.HasSuffix(origin, "Test User") {
		t.Errorf("user.name through Home's env: %q, want Test User from under %s", origin, home)
	}
}

// TestIsolateProcess: what a TestMain calls once; restored by hand here,
// since it sets the environment for the rest of the test binary.
func TestIsolateProcess(t *testing.T) {
	t.Setenv("GIT_DIR", "/nonexistent")
	for _, k := range []string{"HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_TERMINAL_PROMPT"} {
		t.Setenv(k, os.Getenv(k)) // restored after the test
	}
	home := filepath.Join(t.TempDir(), "home")
	if err := IsolateProcess(home); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("HOME"); got != home {
		t.Fatalf("HOME = %q, want %q", got, home)
	}
	if _, ok := os.LookupEnv("GIT_DIR"); ok {
		t.Fatal("GIT_DIR still set")
	}
	if got := Git(t, "", "config", "--get", "init.defaultBranch"); got != "main" {
		t.Errorf("init.defaultBranch = %q, want main", got)
	}
}

// TestCheckSharedSeesAGlobalWrite: RunIsolated's check passes on the
// configuration as written and fails once git config --global changed it.
func TestCheckSharedSeesAGlobalWrite(t *testing.T) {
	t.Parallel()
	home, env := Home(t)
	if err := CheckShared(home); err != nil {
		t.Fatalf("untouched configuration: %v", err)
	}
	GitEnv(t, "", env, "config", "--global", "core.hooksPath", "/elsewhere")
	if err := CheckShared(home); err == nil || !strings.Contains(err.Error(), "hooksPath") {
		t.Fatalf("after git config --global: %v, want an error quoting the change", err)
	}
}

func containsKV(env []string, kv string) bool {
	for _, e := range env {
		if e == kv {
			return true
		}
	}
	return false
}
