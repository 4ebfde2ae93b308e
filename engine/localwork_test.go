package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// localKind is one kind of local work: make creates it in a clone (work is
// the clone's work tree, srv the server for kinds that change the remote),
// intact checks it is still there in a directory holding that clone
// (the destination after a refusal, or the trashed copy).
type localKind struct {
	name   string
	make   func(t *testing.T, work, bare string)
	intact func(dir, ws string) bool
}

func gitOK(dir string, args ...string) bool {
	_, err := gittest.TryGit(dir, args...)
	return err == nil
}

func fileIs(dir, name, content string) bool {
	b, err := os.ReadFile(filepath.Join(dir, name))
	return err == nil && string(b) == content
}

// localKinds are the 17 kinds of local work a fresh clone does not restore.
func localKinds() []localKind {
	commit := func(t *testing.T, dir, file, msg string) string {
		return gittest.Commit(t, dir, file, msg, msg)
	}
	return []localKind{
		{"unstaged change", func(t *testing.T, w, _ string) { gittest.WriteFile(t, w, "a.txt", "edited") },
			func(d, _ string) bool { return fileIs(d, "a.txt", "edited") }},
		{"staged change", func(t *testing.T, w, _ string) {
			gittest.WriteFile(t, w, "a.txt", "staged")
			gittest.Git(t, w, "add", "a.txt")
		}, func(d, _ string) bool { return fileIs(d, "a.txt", "staged") }},
		{"untracked file", func(t *testing.T, w, _ string) { gittest.WriteFile(t, w, "notes.txt", "mine") },
			func(d, _ string) bool { return fileIs(d, "notes.txt", "mine") }},
		{"ignored file", func(t *testing.T, w, _ string) { gittest.WriteFile(t, w, ".env", "SECRET=1") },
			func(d, _ string) bool { return fileIs(d, ".env", "SECRET=1") }},
		{"excluded file", func(t *testing.T, w, _ string) {
			gittest.WriteFile(t, w, ".git/info/exclude", "terraform.tfstate\n")
			gittest.WriteFile(t, w, "terraform.tfstate", "{}")
		}, func(d, _ string) bool { return fileIs(d, "terraform.tfstate", "{}") }},
		{"stash", func(t *testing.T, w, _ string) {
			gittest.WriteFile(t, w, "a.txt", "stashed")
			gittest.Git(t, w, "stash", "-q")
		}, func(d, _ string) bool { return gitOK(d, "rev-parse", "-q", "--verify", "refs/stash") }},
		{"unpushed commit", func(t *testing.T, w, _ string) { commit(t, w, "b.txt", "unpushed") },
			func(d, _ string) bool { return fileIs(d, "b.txt", "unpushed") }},
		{"local branch", func(t *testing.T, w, _ string) {
			gittest.Git(t, w, "checkout", "-q", "-b", "topic")
			commit(t, w, "t.txt", "topic")
			gittest.Git(t, w, "checkout", "-q", "main")
		}, func(d, _ string) bool { return gitOK(d, "cat-file", "-e", "topic:t.txt") }},
		{"commit only a local tag reaches", func(t *testing.T, w, _ string) {
			gittest.Git(t, w, "checkout", "-q", "--detach")
			commit(t, w, "x.txt", "tagged")
			gittest.Git(t, w, "tag", "only-here")
			gittest.Git(t, w, "checkout", "-q", "main")
		}, func(d, _ string) bool { return gitOK(d, "cat-file", "-e", "only-here:x.txt") }},
		{"local tag", func(t *testing.T, w, _ string) { gittest.Git(t, w, "tag", "-a", "-m", "mine", "v9") },
			func(d, _ string) bool { return gitOK(d, "rev-parse", "-q", "--verify", "refs/tags/v9") }},
		{"notes", func(t *testing.T, w, _ string) { gittest.Git(t, w, "notes", "add", "-m", "reviewed") },
			func(d, _ string) bool {
				out, err := gittest.TryGit(d, "notes", "show", "HEAD")
				return err == nil && strings.Contains(out, "reviewed")
			}},
		{"branch deleted on the server", func(t *testing.T, w, bare string) {
			// gone is pushed, then deleted on the server: only the
			// stale origin/gone (and the local branch) still hold it.
			gittest.Git(t, w, "checkout", "-q", "-b", "gone")
			commit(t, w, "g.txt", "gone")
			gittest.Git(t, w, "push", "-q", bare, "gone")
			gittest.Git(t, w, "fetch", "-q", "origin")
			gittest.Git(t, w, "branch", "-q", "-u", "origin/gone")
			gittest.Git(t, w, "checkout", "-q", "main")
			gittest.Git(t, bare, "branch", "-q", "-D", "gone")
		}, func(d, _ string) bool { return gitOK(d, "cat-file", "-e", "gone:g.txt") }},
		{"assume-unchanged edit", func(t *testing.T, w, _ string) {
			gittest.Git(t, w, "update-index", "--assume-unchanged", "a.txt")
			gittest.WriteFile(t, w, "a.txt", "hidden edit")
		}, func(d, _ string) bool { return fileIs(d, "a.txt", "hidden edit") }},
		{"skip-worktree edit", func(t *testing.T, w, _ string) {
			gittest.Git(t, w, "update-index", "--skip-worktree", "a.txt")
			gittest.WriteFile(t, w, "a.txt", "sparse edit")
		}, func(d, _ string) bool { return fileIs(d, "a.txt", "sparse edit") }},
		{"linked worktree", func(t *testing.T, w, _ string) {
			gittest.Git(t, w, "worktree", "add", "-q", "-b", "wt", filepath.Join(filepath.Dir(w), "wt"))
			gittest.WriteFile(t, filepath.Join(filepath.Dir(w), "wt"), "wip.txt", "wip")
		}, func(_, ws string) bool {
			// The worktree stays where it was and must still be a git
			// work tree, wherever its repository now is.
			wt := filepath.Join(ws, "wt")
			return fileIs(wt, "wip.txt", "wip") && gitOK(wt, "rev-parse", "--verify", "-q", "HEAD")
		}},
		{"local config", func(t *testing.T, w, _ string) { gittest.Git(t, w, "config", "user.email", "me@work.example") },
			func(d, _ string) bool {
				out, err := gittest.TryGit(d, "config", "--local", "user.email")
				return err == nil && strings.TrimSpace(out) == "me@work.example"
			}},
		{"extra remote", func(t *testing.T, w, _ string) {
			gittest.Git(t, w, "remote", "add", "fork", "https://example.com/me/fork.git")
		},
			func(d, _ string) bool { return gitOK(d, "config", "--local", "remote.fork.url") }},
	}
}

// forceWorld is one workspace with a clone of its own server repository.
type forceWorld struct {
	ws, dest, url string
}

func newForceWorld(t *testing.T, srv *gittest.Server, name string, k localKind) forceWorld {
	t.Helper()
	ws := t.TempDir()
	w := forceWorld{ws: ws, dest: filepath.Join(ws, "repo"), url: srv.URL(name)}
	// Every world starts as the same served repository and clone: built by
	// git once, copied for the other 33.
	gittest.ServedClone(t, srv, "force-world", name, w.dest, func(t testing.TB, _, work string) {
		gittest.Commit(t, work, "a.txt", "a", "a")
		gittest.Commit(t, work, ".gitignore", ".env\n", "ignore .env")
		gittest.Git(t, work, "push", "-q", "-u", "origin", "main")
	})
	k.make(t, w.dest, srv.BareDir(name))
	if !k.intact(w.dest, ws) {
		t.Fatalf("%s: setup did not create the work", k.name)
	}
	return w
}

// TestForceKeepsEveryKindOfLocalWork creates each of the 17 kinds of local
// work in its own clone and runs --update-mode force on it, with each
// backend: without --discard-local-changes every one is refused and intact;
// with it every one is replaced and recoverable from the trash.
func TestForceKeepsEveryKindOfLocalWork(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	backends := map[string]git.Backend{"cli": cli.New(), "go-git": gogit.New()}
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	kinds := localKinds()
	if len(kinds) != 17 {
		t.Fatalf("%d kinds, want 17", len(kinds))
	}
	// The subtests run in parallel with each other: each has its own
	// repository on the shared server, and gittest.Isolate above holds for
	// them all (a parent's environment is restored after its subtests).
	n := 0
	for bname, b := range backends {
		for _, k := range kinds {
			n++
			repo := "r" + strconv.Itoa(n)
			t.Run(bname+"/"+k.name, func(t *testing.T) {
				t.Parallel()
				w := newForceWorld(t, srv, repo, k)
				job := Job{Op: OpClone, Repo: Repo{ID: "repo", Path: w.dest, URL: w.url}}
				res := submit(t, Config{Backend: b, Retry: fastRetry}, context.Background(),
					Plan{Jobs: []Job{job}, Options: Options{UpdateMode: UpdateForce}})
				fin := res.finished["repo"][0]
				if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrLocalChanges) {
					t.Fatalf("not refused: outcome %s detail %q err %v", fin.Result.Outcome, fin.Result.Detail, fin.Err)
				}
				if !k.intact(w.dest, w.ws) {
					t.Fatalf("refused, but the work is not intact")
				}
				if l := leftovers(t, w.ws); len(l) > 0 {
					t.Errorf("left behind: %v", l)
				}

				res = submit(t, Config{Backend: b, Retry: fastRetry}, context.Background(),
					Plan{Jobs: []Job{job}, Options: Options{UpdateMode: UpdateForce, DiscardLocalChanges: true}})
				fin = res.finished["repo"][0]
				if fin.Result.Outcome != OutcomeOK {
					t.Fatalf("discard: outcome %s err %v", fin.Result.Outcome, fin.Err)
				}
				trash, err := ListTrash(w.ws)
				if err != nil || len(trash) != 1 {
					t.Fatalf("trash %v, %v; want the old clone", trash, err)
				}
				if !strings.Contains(fin.Result.Detail, trash[0].Path) {
					t.Errorf("detail %q does not say where the old clone went", fin.Result.Detail)
				}
				if !k.intact(trash[0].Path, w.ws) {
					t.Errorf("the work is not recoverable from %s", trash[0].Path)
				}
			})
		}
	}
}
