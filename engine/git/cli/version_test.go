package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGit puts a git on PATH that prints version and counts its runs in
// the returned file.
func fakeGit(t *testing.T, version string) (gitPath, runs string) {
	t.Helper()
	bin := t.TempDir()
	runs = filepath.Join(t.TempDir(), "runs")
	gitPath = filepath.Join(bin, "git")
	script := "#!/bin/sh\necho run >> '" + runs + "'\necho 'git version " + version + "'\n"
	if err := os.WriteFile(gitPath, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	return gitPath, runs
}

func countRuns(t *testing.T, runs string) int {
	t.Helper()
	b, err := os.ReadFile(runs)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "run\n")
}

// The version of an unchanged git binary is asked once; a replaced binary
// (an upgrade) is asked again and its answer obeyed.
func TestAvailableCachesVersion(t *testing.T) {
	ctx := context.Background()
	gitPath, runs := fakeGit(t, "2.40.1")
	for range 3 {
		if err := Available(ctx); err != nil {
			t.Fatalf("Available: %v", err)
		}
	}
	if n := countRuns(t, runs); n != 1 {
		t.Fatalf("git version ran %d times, want 1 (cached)", n)
	}
	// A downgrade to a git that is too old: size and mtime change.
	old := "#!/bin/sh\necho run >> '" + runs + "'\necho 'git version 2.30.9 (old)'\n"
	if err := os.WriteFile(gitPath, []byte(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Available(ctx); err == nil || !strings.Contains(err.Error(), "too old") {
		t.Fatalf("Available after downgrade = %v, want too old", err)
	}
	if n := countRuns(t, runs); n != 2 {
		t.Fatalf("git version ran %d times, want 2 (binary changed)", n)
	}
}

// A corrupt cache file is not believed: git is asked.
func TestAvailableIgnoresCorruptCache(t *testing.T) {
	gitPath, runs := fakeGit(t, "2.40.1")
	file := versionCacheFile(gitPath, os.Getenv)
	if file == "" {
		t.Fatal("no cache file")
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Available(context.Background()); err != nil {
		t.Fatalf("Available: %v", err)
	}
	if n := countRuns(t, runs); n != 1 {
		t.Fatalf("git version ran %d times, want 1", n)
	}
}
