package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestReviewCheckoutOverwritesIgnoredFile: the target branch tracks a path
// where the work tree holds an ignored file of the user's. git switch
// treats ignored files as expendable and overwrites it; "nothing is lost"
// says an ignored file is local work, so mgit must refuse (or keep it).
// mgit's checkout (and its dry run, built on read-tree's twoway_merge with
// ignored files expendable) went ahead and notes.log became topic's; now
// ignoredInTheWay refuses (the conformance suite's "ignored work" cases
// hold both backends to the same refusal and message).
func TestReviewCheckoutOverwritesIgnoredFile(t *testing.T) {
	gittest.Isolate(t)
	w := filepath.Join(t.TempDir(), "w")
	gittest.InitRepo(t, w)
	gittest.Commit(t, w, "README.md", "r\n", "init")
	gittest.Git(t, w, "switch", "-q", "-c", "topic")
	gittest.Commit(t, w, "notes.log", "from topic\n", "track notes.log")
	gittest.Git(t, w, "switch", "-q", "main")
	gittest.WriteFile(t, w, ".git/info/exclude", "*.log\n")
	gittest.WriteFile(t, w, "notes.log", "precious\n")
	gittest.WriteFile(t, w, "d/x.log", "precious too\n")
	err := New().Checkout(context.Background(), w, git.CheckoutOptions{Branch: "topic"})
	got, rerr := os.ReadFile(filepath.Join(w, "notes.log"))
	if err == nil && (rerr != nil || string(got) != "precious\n") {
		t.Errorf("checkout went ahead and the ignored notes.log is now %q (%v)", got, rerr)
	}
}

// TestReviewPullOverwritesIgnoredFile: the same for a fast-forward pull:
// upstream starts tracking a path where the user has an ignored file.
// The go-git backend refuses (TestPullRefusesLocalChangesOnTouchedPaths,
// "ignored"); the CLI backend's git merge --ff-only overwrote it, and now
// ignoredInTheWay refuses first.
func TestReviewPullOverwritesIgnoredFile(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	bare, seed, w := filepath.Join(base, "o.git"), filepath.Join(base, "seed"), filepath.Join(base, "w")
	gittest.Git(t, "", "init", "-q", "--bare", "-b", "main", bare)
	gittest.InitRepo(t, seed)
	gittest.Commit(t, seed, "README.md", "r\n", "init")
	gittest.Git(t, seed, "remote", "add", "origin", bare)
	gittest.Git(t, seed, "push", "-q", "-u", "origin", "main")
	gittest.Clone(t, bare, w)
	gittest.Commit(t, seed, "notes.log", "upstream\n", "track notes.log")
	gittest.Push(t, seed)
	gittest.WriteFile(t, w, ".git/info/exclude", "*.log\n")
	gittest.WriteFile(t, w, "notes.log", "precious\n")
	_, err := New().Pull(context.Background(), w, git.PullOptions{})
	got, rerr := os.ReadFile(filepath.Join(w, "notes.log"))
	if err == nil && (rerr != nil || string(got) != "precious\n") {
		t.Errorf("pull went ahead and the ignored notes.log is now %q (%v)", got, rerr)
	}
}

// TestCheckoutInCopiedRepository: a repository copied file by file (cp -a,
// a restore from backup; CachedTree copies the same way) has an index whose
// stat data (inode, ctime) no longer matches its unchanged files. git
// switch refreshes the index first and switches; the checkout check ran
// read-tree on the stale index and refused with "local changes would be
// overwritten: only-main.txt" for a file nobody changed. A real change to
// that file must still be refused.
func TestCheckoutInCopiedRepository(t *testing.T) {
	gittest.Isolate(t)
	build := func(t testing.TB, w string) {
		gittest.InitRepo(t, w)
		gittest.Commit(t, w, "only-main.txt", "main\n", "init")
		gittest.Commit(t, w, "common.txt", "c\n", "common")
		gittest.Git(t, w, "switch", "-q", "-c", "topic")
		gittest.Git(t, w, "rm", "-q", "only-main.txt")
		gittest.Git(t, w, "commit", "-q", "-m", "drop only-main.txt")
		gittest.Git(t, w, "switch", "-q", "main")
	}
	ctx := context.Background()
	for _, dry := range []bool{true, false} {
		w := gittest.CachedTree(t, "checkout-copied", build)
		err := New().Checkout(ctx, w, git.CheckoutOptions{Branch: "topic", DryRun: dry})
		if err != nil {
			t.Fatalf("dry run %v: checkout in an unchanged copy refused: %v", dry, err)
		}
		if !dry {
			if head := gittest.Git(t, w, "branch", "--show-current"); head != "topic" {
				t.Fatalf("after checkout HEAD is %q, want topic", head)
			}
		}
	}
	w := gittest.CachedTree(t, "checkout-copied", build)
	gittest.WriteFile(t, w, "only-main.txt", "changed\n")
	err := New().Checkout(ctx, w, git.CheckoutOptions{Branch: "topic", DryRun: true})
	if !errors.Is(err, git.ErrLocalChanges) {
		t.Fatalf("a real change in the copy: got %v, want a local-changes refusal", err)
	}
}
