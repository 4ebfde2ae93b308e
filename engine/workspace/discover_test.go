package workspace

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mkdirs(t testing.TB, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	mkdirs(t, filepath.Dir(path))
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func gitCmd(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=t",
		"GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

type found struct {
	Rel  string
	Kind Kind
}

func summarize(repos []Repo) []found {
	out := []found{}
	for _, r := range repos {
		out = append(out, found{r.Rel, r.Kind})
	}
	return out
}

func TestDiscoverSkipsAndDepth(t *testing.T) {
	root := t.TempDir()
	mkdirs(t,
		filepath.Join(root, "b", "repo2", ".git"),
		filepath.Join(root, "a", "repo1", ".git"),
		// nested inside a work tree: not reported
		filepath.Join(root, "a", "repo1", "inner", ".git"),
		filepath.Join(root, "node_modules", "x", ".git"),
		filepath.Join(root, "vendor", "y", ".git"),
		filepath.Join(root, ".cache", "z", ".git"),
		filepath.Join(root, ".repo.mgit-clone-1-abc", ".git"),
		filepath.Join(root, "d1", "d2", "d3", "d4", "d5", "at6", ".git"),
		filepath.Join(root, "d1", "d2", "d3", "d4", "d5", "d6", "at7", ".git"),
	)
	// A symlink loop and a symlink to a repository: neither is followed.
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "a"), filepath.Join(root, "link-to-a")); err != nil {
		t.Fatal(err)
	}
	got, err := Discover(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []found{
		{"a/repo1", KindRepo},
		{"b/repo2", KindRepo},
		{"d1/d2/d3/d4/d5/at6", KindRepo},
	}
	if !reflect.DeepEqual(summarize(got), want) {
		t.Fatalf("got %v, want %v", summarize(got), want)
	}
	if got[0].Path != filepath.Join(root, "a", "repo1") {
		t.Fatalf("path %q", got[0].Path)
	}

	got, err = Discover(context.Background(), root, Options{MaxDepth: 1})
	if err != nil || len(got) != 0 {
		t.Fatalf("depth 1: %v %v", summarize(got), err)
	}
	got, err = Discover(context.Background(), root, Options{MaxDepth: 7})
	if err != nil || len(got) != 4 {
		t.Fatalf("depth 7: %v %v", summarize(got), err)
	}
}

func TestDiscoverRootIsRepo(t *testing.T) {
	root := t.TempDir()
	mkdirs(t, filepath.Join(root, ".git"), filepath.Join(root, "sub", ".git"))
	got, err := Discover(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []found{{".", KindRepo}}; !reflect.DeepEqual(summarize(got), want) {
		t.Fatalf("got %v", summarize(got))
	}
}

func TestDiscoverWorktreesAndSubmodules(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(t.TempDir(), "lib")
	mkdirs(t, lib)
	gitCmd(t, lib, "init", "-q", "-b", "main")
	gitCmd(t, lib, "commit", "-q", "--allow-empty", "-m", "lib")

	app := filepath.Join(root, "app")
	mkdirs(t, app)
	gitCmd(t, app, "init", "-q", "-b", "main")
	gitCmd(t, app, "commit", "-q", "--allow-empty", "-m", "app")
	gitCmd(t, app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "deps/lib")
	gitCmd(t, app, "commit", "-q", "-m", "add lib")
	gitCmd(t, app, "worktree", "add", "-q", filepath.Join(root, "app-wt"), "-b", "feature")
	// A separate git dir is an ordinary clone.
	sep := filepath.Join(root, "sep")
	gitCmd(t, root, "init", "-q", "--separate-git-dir", filepath.Join(t.TempDir(), "sep.git"), sep)

	got, err := Discover(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []found{{"app", KindRepo}, {"sep", KindRepo}}; !reflect.DeepEqual(summarize(got), want) {
		t.Fatalf("default: got %v", summarize(got))
	}
	got, err = Discover(context.Background(), root, Options{IncludeWorktrees: true, IncludeSubmodules: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []found{{"app", KindRepo}, {"app-wt", KindWorktree}, {"app/deps/lib", KindSubmodule}, {"sep", KindRepo}}
	if !reflect.DeepEqual(summarize(got), want) {
		t.Fatalf("all: got %v, want %v", summarize(got), want)
	}

	// The submodule's origin is read from .git/modules/..., the worktree's
	// from the main repository's config through commondir.
	gitCmd(t, app, "remote", "add", "origin", "https://example.com/org/app.git")
	for dir, want := range map[string]string{
		app:                               "https://example.com/org/app.git",
		filepath.Join(root, "app-wt"):     "https://example.com/org/app.git",
		filepath.Join(app, "deps", "lib"): lib,
	} {
		u, err := OriginURL(dir)
		if err != nil || u != want {
			t.Errorf("OriginURL(%s) = %q, %v; want %q", dir, u, err, want)
		}
	}
	if _, err := OriginURL(sep); err == nil || !strings.Contains(err.Error(), ErrNoOrigin.Error()) {
		t.Errorf("OriginURL without origin: %v", err)
	}
}

func TestDiscoverUnreadableDirIsNotFatal(t *testing.T) {
	if os.Geteuid() == 0 {
		// Root reads every directory: the test runs again as uid 65534.
		runUnprivileged(t)
		return
	}
	root := t.TempDir()
	mkdirs(t, filepath.Join(root, "ok", ".git"), filepath.Join(root, "locked", "r", ".git"))
	if err := os.Chmod(filepath.Join(root, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "locked"), 0o755) })
	got, err := Discover(context.Background(), root, Options{})
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("want an error naming the locked dir, got %v", err)
	}
	if want := []found{{"ok", KindRepo}}; !reflect.DeepEqual(summarize(got), want) {
		t.Fatalf("got %v", summarize(got))
	}
}

func TestDiscoverCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Discover(ctx, t.TempDir(), Options{}); err == nil {
		t.Fatal("want an error from a cancelled discovery")
	}
}

func TestOriginURLConfigForms(t *testing.T) {
	dir := t.TempDir()
	mkdirs(t, filepath.Join(dir, ".git", "objects"), filepath.Join(dir, ".git", "refs"))
	writeFile(t, filepath.Join(dir, ".git", "HEAD"), "ref: refs/heads/main\n")
	writeFile(t, filepath.Join(dir, ".git", "config"), `[core]
	bare = false
[remote "upstream"]
	url = https://wrong.example/x
[Remote "origin"]  ; comment
	URL = "https://example.com/a b.git" # trailing comment
	fetch = +refs/heads/*:refs/remotes/origin/*
`)
	u, err := OriginURL(dir)
	if err != nil || u != "https://example.com/a b.git" {
		t.Fatalf("got %q, %v", u, err)
	}
}

// BenchmarkDiscover measures discovery of 1,000 repositories laid out as
// <host>/<org>/<repo>, each with a few top-level files.
func BenchmarkDiscover(b *testing.B) {
	root := b.TempDir()
	for i := 0; i < 1000; i++ {
		repo := filepath.Join(root, "example.com", fmt.Sprintf("org%02d", i%20), fmt.Sprintf("repo%04d", i))
		mkdirs(b, filepath.Join(repo, ".git", "objects"), filepath.Join(repo, "src"))
		writeFile(b, filepath.Join(repo, "README.md"), "x")
	}
	b.ResetTimer()
	for b.Loop() {
		repos, err := Discover(context.Background(), root, Options{})
		if err != nil || len(repos) != 1000 {
			b.Fatalf("found %d, %v", len(repos), err)
		}
	}
}
