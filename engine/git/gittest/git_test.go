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
