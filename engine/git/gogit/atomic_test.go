package gogit_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// snapshot describes every file, directory and symlink of a work tree
// (outside .git): type, permissions and content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == ".git" {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			snap[rel] = "link " + target
		case fi.IsDir():
			snap[rel] = fmt.Sprintf("dir %o", fi.Mode().Perm())
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			snap[rel] = fmt.Sprintf("file %o %q", fi.Mode().Perm(), b)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", root, err)
	}
	return snap
}

func diffSnapshots(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, fmt.Sprintf("%s: %q != %q", k, v, b[k]))
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			out = append(out, fmt.Sprintf("%s: missing != %q", k, v))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// reshaped returns a clone one commit behind an upstream commit that
// changes every kind of path: modified, added in a new directory, deleted
// (emptying its directory), a file that becomes a directory and back, a
// symlink, an executable bit. The clone holds local work on other paths.
func reshaped(t *testing.T) (seed, work string) {
	t.Helper()
	gittest.Isolate(t)
	root := gittest.CachedTree(t, "gogit reshaped", func(t testing.TB, root string) { buildReshaped(t, root) })
	return filepath.Join(root, "seed"), filepath.Join(root, "work")
}

// buildReshaped makes reshaped's repositories under root. Tests get copies
// of one build (see gittest.CachedTree).
func buildReshaped(t testing.TB, root string) {
	t.Helper()
	seed, work := buildCloned(t, root)
	gittest.Commit(t, seed, "gone/only.txt", "only\n", "dir to empty")
	gittest.Commit(t, seed, "a/b.txt", "b\n", "dir to file")
	gittest.Commit(t, seed, "f", "file\n", "file to dir")
	gittest.Commit(t, seed, "run.sh", "echo\n", "script")
	gittest.Commit(t, seed, "keep.txt", "base\n", "untouched")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")

	gittest.Git(t, seed, "rm", "-q", "-r", "a", "f", "gone")
	gittest.WriteFile(t, seed, "a", "now a file\n")
	gittest.WriteFile(t, seed, "f/inner.txt", "now a dir\n")
	gittest.WriteFile(t, seed, "README.md", "changed\n")
	gittest.WriteFile(t, seed, "new/deep/x.txt", "new\n")
	if err := os.Symlink("README.md", filepath.Join(seed, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(seed, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-q", "-m", "reshape")
	gittest.Push(t, seed)

	gittest.WriteFile(t, work, "keep.txt", "staged local edit\n")
	gittest.Git(t, work, "add", "keep.txt")
	gittest.WriteFile(t, work, "mine.txt", "untracked\n")
	gittest.WriteFile(t, work, ".git/info/exclude", "*.log\n")
	gittest.WriteFile(t, work, "build.log", "ignored\n")
}

// TestPullFailureLeavesEverythingAsItWas makes the update fail at each of
// its steps and checks that HEAD, the index and the work tree are exactly
// as before, and that the next pull succeeds (issue 16: a failed pull used
// to leave new files behind, and every later pull refused them as local
// changes).
func TestPullFailureLeavesEverythingAsItWas(t *testing.T) {
	for _, step := range gogit.FaultSteps {
		t.Run(step, func(t *testing.T) {
			seed, work := reshaped(t)
			head := gittest.Head(t, work)
			snap, status := snapshot(t, work), porcelain(t, work)
			idx, err := os.ReadFile(filepath.Join(work, ".git/index"))
			if err != nil {
				t.Fatal(err)
			}
			injected := errors.New("injected failure")
			b := gogit.NewWithFaults(func(s string) error {
				if s == step {
					return injected
				}
				return nil
			})
			if _, err := b.Pull(context.Background(), work, git.PullOptions{}); !errors.Is(err, injected) {
				t.Fatalf("pull = %v, want the injected failure", err)
			}
			if got := gittest.Head(t, work); got != head {
				t.Errorf("HEAD moved to %s", got)
			}
			if d := diffSnapshots(snap, snapshot(t, work)); d != "" {
				t.Errorf("work tree changed:\n%s", d)
			}
			// Before git status, which may refresh the index's stat data.
			if got, _ := os.ReadFile(filepath.Join(work, ".git/index")); string(got) != string(idx) {
				t.Errorf("index changed")
			}
			if got := porcelain(t, work); got != status {
				t.Errorf("git status changed:\nbefore:\n%s\nafter:\n%s", status, got)
			}
			if _, err := os.Lstat(filepath.Join(work, ".git/index.lock")); err == nil {
				t.Errorf("index.lock left behind")
			}

			if _, err := pull(t, work); err != nil {
				t.Fatalf("next pull: %v", err)
			}
			if got, want := gittest.Head(t, work), gittest.Head(t, seed); got != want {
				t.Errorf("HEAD = %s, want %s", got, want)
			}
			if got := porcelain(t, work); got != status {
				t.Errorf("git status after the next pull:\n%s\nwant only the local work:\n%s", got, status)
			}
		})
	}
}

// TestPullRefusesWhenIndexLockIsADirectory squats index.lock with a
// directory (which stops root too): the pull fails before touching
// anything, and succeeds once the directory is gone.
func TestPullRefusesWhenIndexLockIsADirectory(t *testing.T) {
	seed, work := reshaped(t)
	lock := filepath.Join(work, ".git/index.lock")
	if err := os.Mkdir(lock, 0o755); err != nil {
		t.Fatal(err)
	}
	head, snap, status := gittest.Head(t, work), snapshot(t, work), porcelain(t, work)
	if _, err := pull(t, work); err == nil || !strings.Contains(err.Error(), "index.lock") {
		t.Fatalf("pull = %v, want a refusal naming index.lock", err)
	}
	if gittest.Head(t, work) != head || diffSnapshots(snap, snapshot(t, work)) != "" || porcelain(t, work) != status {
		t.Fatalf("a refused pull changed the repository")
	}
	if err := os.Remove(lock); err != nil {
		t.Fatal(err)
	}
	if _, err := pull(t, work); err != nil {
		t.Fatalf("pull after the lock is gone: %v", err)
	}
	if gittest.Head(t, work) != gittest.Head(t, seed) || porcelain(t, work) != status {
		t.Fatalf("pull did not complete: %s", porcelain(t, work))
	}
}

// TestCrashHelper is not a test: TestPullKilledHalfWay runs the test binary
// again with MGIT_CRASH_STEP set; the pull stops at that step, says so on
// stdout and waits to be killed.
func TestCrashHelper(t *testing.T) {
	step := os.Getenv("MGIT_CRASH_STEP")
	if step == "" {
		t.Skip("helper process only")
	}
	b := gogit.NewWithFaults(func(s string) error {
		if s == step {
			fmt.Println("reached " + s)
			select {} // until SIGKILL
		}
		return nil
	})
	_, err := b.Pull(context.Background(), os.Getenv("MGIT_CRASH_DIR"), git.PullOptions{})
	fmt.Printf("pull ended: %v\n", err)
}

// TestPullKilledHalfWay kills (SIGKILL) a pulling process at each step of
// the update: while it lives another pull refuses to touch the work tree;
// after its death the next pull puts back or completes the update and
// succeeds, and git status shows only the local work (issue 16: a go-git
// pull killed half-way must not poison the repository).
func TestPullKilledHalfWay(t *testing.T) {
	for _, step := range gogit.CrashSteps {
		t.Run(step, func(t *testing.T) {
			seed, work := reshaped(t)
			status := porcelain(t, work)
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), "MGIT_CRASH_STEP="+step, "MGIT_CRASH_DIR="+work)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			reached := false
			for sc.Scan() {
				if sc.Text() == "reached "+step {
					reached = true
					break
				}
			}
			if !reached {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				t.Fatalf("the helper never reached %s", step)
			}
			if _, err := pull(t, work); err == nil {
				t.Errorf("a pull while another is half-way succeeded")
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()

			if _, err := pull(t, work); err != nil {
				t.Fatalf("pull after the crash: %v", err)
			}
			if got, want := gittest.Head(t, work), gittest.Head(t, seed); got != want {
				t.Errorf("HEAD = %s, want %s", got, want)
			}
			if got := porcelain(t, work); got != status {
				t.Errorf("git status after the crash and a pull:\n%s\nwant only the local work:\n%s", got, status)
			}
		})
	}
}

// TestPullKeepsIndexFlags: assume-unchanged and skip-worktree set by hand
// are local state; a pull keeps them where git keeps them (on paths it
// does not rewrite) and drops assume-unchanged where git drops it.
func TestPullKeepsIndexFlags(t *testing.T) {
	for _, version := range []string{"2", "3", "4"} {
		t.Run("index v"+version, func(t *testing.T) { keepsIndexFlags(t, version) })
	}
}

func keepsIndexFlags(t *testing.T, version string) {
	seed, work := cloned(t)
	gittest.Commit(t, seed, "b.txt", "b\n", "b")
	gittest.Commit(t, seed, "c.txt", "c\n", "c")
	gittest.Push(t, seed)
	gittest.Git(t, work, "pull", "-q", "--ff-only")
	byGit := filepath.Join(t.TempDir(), "git")
	gittest.Clone(t, filepath.Join(filepath.Dir(seed), "origin.git"), byGit)
	gittest.Commit(t, seed, "README.md", "changed\n", "change")
	gittest.Push(t, seed)
	for _, dir := range []string{work, byGit} {
		gittest.Git(t, dir, "update-index", "--assume-unchanged", "README.md", "b.txt")
		gittest.Git(t, dir, "update-index", "--skip-worktree", "c.txt")
		gittest.Git(t, dir, "update-index", "--index-version", version)
	}
	gittest.Git(t, byGit, "pull", "-q", "--ff-only")
	if _, err := pull(t, work); err != nil {
		t.Fatalf("pull: %v", err)
	}
	if got, want := gittest.Git(t, work, "ls-files", "-v"), gittest.Git(t, byGit, "ls-files", "-v"); got != want || !strings.Contains(want, "h b.txt") {
		t.Errorf("index flags after the pull:\n%s\ngit keeps:\n%s", got, want)
	}
}
