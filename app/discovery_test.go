package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestNarrowFlatLayout: with --layout flat a clone lands in DIR/<repo>, and
// `--query <repo>` finds it by that path, as the README promises, even
// though its origin's org is something else.
func TestNarrowFlatLayout(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var jobs []engine.Job
	for _, n := range []string{"repo-name", "other"} {
		p := filepath.Join(root, n)
		gittest.InitRepo(t, p)
		gittest.Git(t, p, "remote", "add", "origin", "https://github.com/acme/"+n+".git")
		jobs = append(jobs, engine.Job{Repo: engine.Repo{ID: n, Path: p}})
	}
	for q, want := range map[string]string{"repo-name": "repo-name", "repo-*": "repo-name", "acme/other": "other", "acme": "other,repo-name"} {
		got, err := narrow(jobs, root, q)
		var ids []string
		for _, j := range got {
			ids = append(ids, j.Repo.ID)
		}
		if err != nil || strings.Join(sortedCopy(ids), ",") != want {
			t.Errorf("narrow(%q) = %v, %v; want %s", q, ids, err, want)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestDiscoveryEndToEnd drives the binary over a workspace holding a clone
// with a linked worktree and a submodule, and a clone 8 levels down.
func TestDiscoveryEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	ws := filepath.Join(r.dir, "ws")
	lib := filepath.Join(r.dir, "lib")
	gittest.InitRepo(t, lib)
	gittest.Commit(t, lib, "lib.txt", "lib\n", "lib")
	app := filepath.Join(ws, "app")
	gittest.InitRepo(t, app)
	gittest.Commit(t, app, "sub/deeper/x.txt", "x\n", "app")
	gittest.Git(t, app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "deps/lib")
	gittest.Git(t, app, "commit", "-q", "-m", "add lib")
	gittest.Git(t, app, "worktree", "add", "-q", filepath.Join(ws, "app-wt"), "-b", "feature")
	deep := filepath.Join(ws, "1", "2", "3", "4", "5", "6", "7", "deep")
	gittest.InitRepo(t, deep)

	status := func(args ...string) map[string]map[string]any {
		t.Helper()
		res := r.run(nil, append([]string{"--no-tui", "-o", "json", "status", "--all"}, args...)...)
		if res.code != 0 {
			t.Fatalf("status %v: exit %d\n%s\n%s", args, res.code, res.stdout, res.stderr)
		}
		got := map[string]map[string]any{}
		for _, o := range ndjson(t, res.stdout) {
			if o["type"] == "status" {
				got[o["repo"].(string)] = o
			}
		}
		return got
	}
	keys := func(m map[string]map[string]any) string {
		var ks []string
		for k, o := range m {
			ks = append(ks, k+":"+o["kind"].(string))
		}
		return strings.Join(sortedCopy(ks), " ")
	}

	// The worktree is listed as a worktree; the submodule is not a
	// top-level repository; the deep clone is beyond the default depth.
	if got := keys(status(ws)); got != "app-wt:worktree app:repo" {
		t.Errorf("default: %s", got)
	}
	if got := keys(status("--max-depth", "9", ws)); got != "1/2/3/4/5/6/7/deep:repo app-wt:worktree app:repo" {
		t.Errorf("--max-depth 9: %s", got)
	}
	if got := keys(status("--max-depth", "0", app)); got != ".:repo" {
		t.Errorf("--max-depth 0 on a repository: %s", got)
	}
	if got := keys(status("--submodules", ws)); got != "app-wt:worktree app/deps/lib:submodule app:repo" {
		t.Errorf("--submodules: %s", got)
	}
	// DIR inside a work tree means that repository, shown at its own path.
	got := status(filepath.Join(app, "sub", "deeper"))
	if o := got["."]; len(got) != 1 || o == nil || o["path"] != app || o["kind"] != "repo" {
		t.Errorf("inside app: %v", got)
	}
	if got := keys(status(filepath.Join(app, "deps", "lib"))); got != ".:submodule" {
		t.Errorf("a submodule as DIR: %s", got)
	}
	// git's ceiling stops the upward search.
	res := r.run([]string{"GIT_CEILING_DIRECTORIES=" + app}, "--no-tui", "status", "--all", filepath.Join(app, "sub"))
	if !strings.Contains(res.stdout+res.stderr, "no repositories found") {
		t.Errorf("beyond the ceiling: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// Text output marks the worktree.
	res = r.run(nil, "--no-tui", "status", "--all", ws)
	if !strings.Contains(res.stdout, "(worktree)") {
		t.Errorf("text output does not mark the worktree:\n%s", res.stdout)
	}
	if res = r.run(nil, "status", "--max-depth", "-1", ws); res.code != 2 {
		t.Errorf("--max-depth -1: exit %d, want 2", res.code)
	}
	if _, err := os.Stat(filepath.Join(ws, "app-wt", ".git")); err != nil {
		t.Fatal(err)
	}
}
