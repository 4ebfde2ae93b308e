package app

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// TestNarrowDirIsTheRepository: a flat-layout clone whose origin names
// another org is found by its directory's name with `--query NAME` also
// when DIR is the repository itself or a directory inside it (discovery
// calls it "."), not only from the workspace above it.
func TestNarrowDirIsTheRepository(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	repo := filepath.Join(root, "repo-name")
	gittest.InitRepo(t, repo)
	gittest.Git(t, repo, "remote", "add", "origin", "https://github.com/acme/upstream-name.git")
	gittest.Commit(t, repo, "sub/f.txt", "x\n", "first")
	for _, dir := range []string{root, repo, filepath.Join(repo, "sub")} {
		found, err := workspace.Discover(context.Background(), dir, workspace.Options{FindEnclosing: true})
		if err != nil || len(found) != 1 {
			t.Fatalf("discover %s: %v, %v", dir, found, err)
		}
		jobs := []engine.Job{{Repo: engine.Repo{ID: found[0].Rel, Path: found[0].Path}}}
		for _, q := range []string{"repo-name", "repo-*", "acme/upstream-name"} {
			if got, err := narrow(jobs, dir, q); err != nil || len(got) != 1 {
				t.Errorf("DIR %s (id %q): --query %s matched %v, %v", dir, found[0].Rel, q, got, err)
			}
		}
		if got, err := narrow(jobs, dir, "other"); err == nil {
			t.Errorf("DIR %s: --query other matched %v", dir, got)
		}
	}
}

// TestStatusQueryFlatLayout drives `mgit status --query` over a real
// flat-layout workspace (DIR/<repo>, origins under another org), from the
// workspace and from inside a clone. Not parallel: "." needs the process's
// working directory (t.Chdir), which Main and discovery read.
func TestStatusQueryFlatLayout(t *testing.T) {
	ws := t.TempDir()
	for _, n := range []string{"repo-name", "other"} {
		p := filepath.Join(ws, n)
		gittest.InitRepo(t, p)
		gittest.Commit(t, p, "f.txt", "x\n", "first")
		gittest.Git(t, p, "remote", "add", "origin", "https://github.com/upstream-org/"+n+"-upstream.git")
	}
	// "." last: the test runs in the clone from then on.
	for _, dir := range []string{ws, filepath.Join(ws, "repo-name"), "."} {
		if dir == "." {
			t.Chdir(filepath.Join(ws, "repo-name"))
		}
		code, out, stderr := run(t, map[string]string{}, "status", "--no-tui", "--all", "--query", "repo-name", dir)
		if code != 0 || strings.Contains(out, "other") || !strings.Contains(out, "1 repository") {
			t.Errorf("DIR %s: exit %d\n%s%s", dir, code, out, stderr)
		}
	}
}
