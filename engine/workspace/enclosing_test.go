package workspace

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// gitToplevel is git's own answer for dir under ceilings: the enclosing
// work tree, or "" when git finds none.
func gitToplevel(t *testing.T, dir string, ceilings string) string {
	t.Helper()
	cmd := exec.Command("git", "rev-parse", "--show-toplevel")
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GIT_CEILING_DIRECTORIES="+ceilings)
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// TestDiscoverEnclosingAgreesWithGit: a DIR inside a work tree means the
// repository git finds from there (rev-parse --show-toplevel), with
// GIT_CEILING_DIRECTORIES honoured the way git honours it — compared with
// git for every starting directory and ceiling of a small tree.
func TestDiscoverEnclosingAgreesWithGit(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(base, "repo")
	mkdirs(t, filepath.Join(repo, "sub", "deep"), filepath.Join(base, "plain", "x"))
	gitCmd(t, repo, "init", "-q", "-b", "main")
	gitCmd(t, repo, "commit", "-q", "--allow-empty", "-m", "c")
	wt := filepath.Join(base, "wt")
	gitCmd(t, repo, "worktree", "add", "-q", wt, "-b", "w")
	mkdirs(t, filepath.Join(wt, "in"))

	starts := []string{repo, filepath.Join(repo, "sub"), filepath.Join(repo, "sub", "deep"),
		filepath.Join(wt, "in"), filepath.Join(base, "plain", "x")}
	ceilingSets := []string{"", repo, filepath.Join(repo, "sub"), filepath.Join(repo, "sub") + "/",
		base, "relative/ignored:" + filepath.Join(repo, "sub"), ":" + repo}
	for _, start := range starts {
		for _, ceil := range ceilingSets {
			want := gitToplevel(t, start, ceil)
			got, err := Discover(context.Background(), start, Options{FindEnclosing: true, Ceilings: Ceilings(ceil)})
			if err != nil {
				t.Fatal(err)
			}
			have := ""
			if len(got) == 1 {
				have = got[0].Path
			}
			if have != want || len(got) > 1 {
				t.Errorf("from %s with ceilings %q: got %v, git says %q", start, ceil, got, want)
			}
			if len(got) == 1 && start != have && !got[0].Enclosing {
				t.Errorf("from %s: %+v not marked enclosing", start, got[0])
			}
		}
	}
	got, _ := Discover(context.Background(), filepath.Join(wt, "in"), Options{FindEnclosing: true})
	if len(got) != 1 || got[0].Kind != KindWorktree {
		t.Errorf("from inside a linked worktree: %+v, want the worktree", got)
	}
	// Without FindEnclosing nothing is found from a subdirectory.
	if got, _ := Discover(context.Background(), filepath.Join(repo, "sub"), Options{}); len(got) != 0 {
		t.Errorf("without FindEnclosing: %+v", got)
	}
}

// TestDiscoverEnclosingPrefersClonesBelow: a DIR inside a repository that
// holds clones (a home directory kept in git) lists the clones, not the
// repository around them.
func TestDiscoverEnclosingPrefersClonesBelow(t *testing.T) {
	home := t.TempDir()
	gitCmd(t, home, "init", "-q", "-b", "main")
	mkdirs(t, filepath.Join(home, "src", "app", ".git"))
	got, err := Discover(context.Background(), filepath.Join(home, "src"), Options{FindEnclosing: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []found{{"app", KindRepo}}; !reflect.DeepEqual(summarize(got), want) {
		t.Fatalf("got %v", summarize(got))
	}
}

func TestDiscoverMaxDepth(t *testing.T) {
	root := t.TempDir()
	mkdirs(t, filepath.Join(root, "a", ".git"), filepath.Join(root, "x", "b", ".git"),
		filepath.Join(root, "1", "2", "3", "4", "5", "6", "7", "deep", ".git"))
	for depth, want := range map[int][]string{
		DepthRootOnly: nil,
		1:             {"a"},
		2:             {"a", "x/b"},
		0:             {"a", "x/b"}, // the default, 6, does not reach depth 8
		8:             {"1/2/3/4/5/6/7/deep", "a", "x/b"},
	} {
		got, err := Discover(context.Background(), root, Options{MaxDepth: depth})
		if err != nil {
			t.Fatal(err)
		}
		var rels []string
		for _, r := range got {
			rels = append(rels, r.Rel)
		}
		if !reflect.DeepEqual(rels, want) {
			t.Errorf("MaxDepth %d: got %v, want %v", depth, rels, want)
		}
	}
	got, _ := Discover(context.Background(), filepath.Join(root, "a"), Options{MaxDepth: DepthRootOnly})
	if len(got) != 1 || got[0].Rel != "." {
		t.Errorf("root-only on a repository: %+v", got)
	}
}

// TestDiscoverRootSubmoduleOrWorktree: a DIR that is itself a submodule or
// a linked worktree is reported as what it is, even when such repositories
// are not searched for below DIR.
func TestDiscoverRootSubmoduleOrWorktree(t *testing.T) {
	lib := filepath.Join(t.TempDir(), "lib")
	mkdirs(t, lib)
	gitCmd(t, lib, "init", "-q", "-b", "main")
	gitCmd(t, lib, "commit", "-q", "--allow-empty", "-m", "lib")
	app := filepath.Join(t.TempDir(), "app")
	mkdirs(t, app)
	gitCmd(t, app, "init", "-q", "-b", "main")
	gitCmd(t, app, "commit", "-q", "--allow-empty", "-m", "app")
	gitCmd(t, app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "deps/lib")
	wt := filepath.Join(t.TempDir(), "wt")
	gitCmd(t, app, "worktree", "add", "-q", wt, "-b", "w")
	for dir, kind := range map[string]Kind{filepath.Join(app, "deps", "lib"): KindSubmodule, wt: KindWorktree} {
		got, err := Discover(context.Background(), dir, Options{})
		if err != nil || len(got) != 1 || got[0].Kind != kind || got[0].Rel != "." {
			t.Errorf("%s: %+v %v, want one %s", dir, got, err, kind)
		}
	}
	// The superproject is listed; its submodule is not a top-level
	// repository unless asked for.
	got, _ := Discover(context.Background(), filepath.Dir(app), Options{IncludeWorktrees: true})
	if want := []found{{"app", KindRepo}}; !reflect.DeepEqual(summarize(got), want) {
		t.Errorf("superproject: %v", summarize(got))
	}
}
