package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// previewCase prepares, in a fresh clone whose origin has branch topic
// (it changes shared.txt and a.txt and adds new.txt), one situation a
// checkout of topic meets.
type previewCase struct {
	name    string
	opt     Options
	prepare func(t *testing.T, work string)
	// want is the verdict for each backend: "" (goes ahead) or the cause.
	want map[string]error
}

func previewCases() []previewCase {
	both := func(err error) map[string]error { return map[string]error{"cli": err, "go-git": err} }
	create := Options{Branch: "topic", CreateBranch: true}
	return []previewCase{
		{name: "clean", opt: create, prepare: func(*testing.T, string) {}, want: both(nil)},
		{name: "local changes in the way", opt: create, want: both(git.ErrLocalChanges), prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, "shared.txt", "mine\n")
			gittest.WriteFile(t, w, "a.txt", "mine\n")
			gittest.WriteFile(t, w, "new.txt", "untracked, mine\n")
		}},
		{name: "staged change in the way", opt: create, want: both(git.ErrLocalChanges), prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, "a.txt", "staged\n")
			gittest.Git(t, w, "add", "a.txt")
		}},
		// git 2.39 switches here and drops the staged e/z; mgit refuses.
		{name: "staged change where the branch puts a file", opt: create, want: both(git.ErrLocalChanges), prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, "e/z", "staged\n")
			gittest.Git(t, w, "add", "e/z")
		}},
		{name: "local changes elsewhere", opt: create, want: both(nil), prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, "b.txt", "mine\n")
			gittest.WriteFile(t, w, "notes.txt", "mine\n")
		}},
		{name: "branch in another worktree", opt: Options{Branch: "topic"}, want: both(git.ErrBranchInUse), prepare: func(t *testing.T, w string) {
			gittest.Git(t, w, "branch", "-q", "topic", "origin/topic")
			gittest.Git(t, w, "worktree", "add", "-q", w+"-wt", "topic")
		}},
		{name: "merge in progress", opt: create, want: both(git.ErrLocalChanges), prepare: func(t *testing.T, w string) {
			gittest.Git(t, w, "checkout", "-q", "-b", "x")
			gittest.Commit(t, w, "b.txt", "x\n", "x")
			gittest.Git(t, w, "checkout", "-q", "main")
			gittest.Commit(t, w, "b.txt", "m\n", "m")
			if _, err := gittest.TryGit(w, "merge", "x"); err == nil {
				t.Fatal("merge did not conflict")
			}
		}},
		{name: "conflict left by stash pop", opt: create, want: both(git.ErrLocalChanges), prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, "b.txt", "stashed\n")
			gittest.Git(t, w, "stash", "-q")
			gittest.Commit(t, w, "b.txt", "committed\n", "b")
			if _, err := gittest.TryGit(w, "stash", "pop", "-q"); err == nil {
				t.Fatal("stash pop did not conflict")
			}
		}},
		{name: "conflict, branch from HEAD", opt: Options{Branch: "fresh", CreateBranch: true}, want: both(git.ErrLocalChanges), prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, "b.txt", "stashed\n")
			gittest.Git(t, w, "stash", "-q")
			gittest.Commit(t, w, "b.txt", "committed\n", "b")
			if _, err := gittest.TryGit(w, "stash", "pop", "-q"); err == nil {
				t.Fatal("stash pop did not conflict")
			}
		}},
		{name: "no such branch", opt: Options{Branch: "nope"}, want: both(git.ErrNoSuchBranch), prepare: func(*testing.T, string) {}},
		{name: "no commits", opt: Options{Branch: "fresh", CreateBranch: true}, want: both(git.ErrNoCommits), prepare: func(t *testing.T, w string) {
			gittest.Git(t, w, "checkout", "-q", "--orphan", "empty")
			gittest.Git(t, w, "rm", "-rq", "--cached", ".")
		}},
		// git treats ignored files as expendable; mgit keeps them (they
		// are local work), with both backends, and each preview agrees.
		{name: "ignored file in the way", opt: create, want: map[string]error{"cli": git.ErrLocalChanges, "go-git": git.ErrLocalChanges}, prepare: func(t *testing.T, w string) {
			gittest.WriteFile(t, w, ".git/info/exclude", "new.txt\n")
			gittest.WriteFile(t, w, "new.txt", "ignored\n")
		}},
	}
}

// TestCheckoutPreviewMatchesCheckout: for every case and both backends,
// the dry run's verdict — and, when refused, its whole error, files named —
// equals what the real checkout then does; the dry run changes nothing.
func TestCheckoutPreviewMatchesCheckout(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	seed := filepath.Join(t.TempDir(), "seed")
	gittest.InitRepo(t, seed)
	for _, f := range []string{"shared.txt", "a.txt", "b.txt", "e/z"} {
		gittest.Commit(t, seed, f, f+"\n", "add "+f)
	}
	gittest.Git(t, seed, "checkout", "-q", "-b", "topic")
	gittest.Git(t, seed, "rm", "-rq", "e")
	gittest.Commit(t, seed, "e", "a file now\n", "topic turns e into a file")
	gittest.Commit(t, seed, "shared.txt", "topic\n", "topic shared")
	gittest.Commit(t, seed, "a.txt", "topic\n", "topic a")
	gittest.Commit(t, seed, "new.txt", "topic\n", "topic new")
	gittest.Git(t, seed, "checkout", "-q", "main")
	for name, be := range backends(t) {
		for _, c := range previewCases() {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				t.Parallel() // a clone of its own; the parent's Isolate holds until all are done
				work := filepath.Join(t.TempDir(), "work")
				gittest.Clone(t, seed, work)
				c.prepare(t, work)
				before := snapshotRepo(t, work)
				run := func(dry bool) OpFinished {
					opt := c.opt
					opt.DryRun = dry
					res := submit(t, Config{Backend: be}, context.Background(), Plan{
						Jobs: []Job{{Repo: Repo{ID: "w", Path: work}, Op: OpCheckout}}, Options: opt})
					return res.finished["w"][0]
				}
				dry := run(true)
				if after := snapshotRepo(t, work); after != before {
					t.Fatalf("the dry run changed the repository:\nbefore %s\nafter  %s", before, after)
				}
				real := run(false)
				want := c.want[name]
				if want == nil {
					if dry.Err != nil || dry.Result.Outcome != OutcomeSkipped || real.Err != nil || real.Result.Outcome != OutcomeOK {
						t.Fatalf("want both to go ahead: dry %s %v, real %s %v", dry.Result.Outcome, dry.Err, real.Result.Outcome, real.Err)
					}
					if strings.TrimPrefix(dry.Result.Detail, "dry run: would ") != unPast(real.Result.Detail) {
						t.Errorf("dry %q, real %q", dry.Result.Detail, real.Result.Detail)
					}
					return
				}
				if !errors.Is(real.Err, want) || !errors.Is(dry.Err, want) {
					t.Fatalf("want %v from both: dry %v, real %v", want, dry.Err, real.Err)
				}
				if dry.Err.Error() != real.Err.Error() || dry.Result.Outcome != OutcomeFailed {
					t.Errorf("the preview and the checkout disagree:\ndry  %v\nreal %v", dry.Err, real.Err)
				}
				if after := snapshotRepo(t, work); after != before {
					t.Errorf("the refused checkout changed the repository")
				}
			})
		}
	}
}

// TestCheckoutRefusalNamesGitsFiles: the cli backend's refusal keeps the
// list git prints, not only its headline.
func TestCheckoutRefusalNamesGitsFiles(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	for name, be := range backends(t) {
		t.Run(name, func(t *testing.T) {
			w := filepath.Join(t.TempDir(), "w")
			gittest.InitRepo(t, w)
			gittest.Commit(t, w, "a.txt", "a\n", "a")
			gittest.Commit(t, w, "b.txt", "b\n", "b")
			gittest.Git(t, w, "checkout", "-q", "-b", "topic")
			gittest.Commit(t, w, "a.txt", "topic\n", "a")
			gittest.Commit(t, w, "b.txt", "topic\n", "b")
			gittest.Commit(t, w, "c\tx.txt", "topic\n", "c")
			gittest.Git(t, w, "checkout", "-q", "main")
			gittest.WriteFile(t, w, "a.txt", "mine\n")
			gittest.WriteFile(t, w, "b.txt", "mine\n")
			gittest.WriteFile(t, w, "c\tx.txt", "mine\n")
			err := be.Checkout(context.Background(), w, git.CheckoutOptions{Branch: "topic"})
			want := `local changes would be overwritten by checkout: a.txt, b.txt, "c\tx.txt"`
			if err == nil || !strings.HasSuffix(err.Error(), want) {
				t.Fatalf("got %v, want it to end in %s", err, want)
			}
		})
	}
}

func unPast(d string) string {
	for _, p := range [][2]string{{"switched to ", "switch to "}, {"created ", "create "}} {
		if rest, ok := strings.CutPrefix(d, p[0]); ok {
			return p[1] + rest
		}
	}
	return d
}

// snapshotRepo is what a dry run must not change: HEAD, the refs, the
// index file and the work tree as git status sees it, and index.lock.
func snapshotRepo(t *testing.T, dir string) string {
	t.Helper()
	idx, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	_, lockErr := os.Stat(filepath.Join(dir, ".git", "index.lock"))
	head, _ := gittest.TryGit(dir, "symbolic-ref", "-q", "HEAD")
	return strings.Join([]string{head,
		gittest.Git(t, dir, "for-each-ref"),
		gittest.Git(t, dir, "status", "--porcelain=v2", "--untracked-files=all", "--ignored"),
		string(idx), lockErrString(lockErr)}, "\n")
}

func lockErrString(err error) string {
	if err == nil {
		return "index.lock exists"
	}
	return ""
}
