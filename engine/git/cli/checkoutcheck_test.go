package cli

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestCheckoutDryRunAgreesWithGitSwitch generates repositories where a
// branch changes, deletes, adds and turns files into directories (and back)
// while the work tree holds every kind of local work on and around those
// paths, and checks that the dry run's verdict and named files equal what
// git switch then does. The seed is fixed: a failure reproduces.
func TestCheckoutDryRunAgreesWithGitSwitch(t *testing.T) {
	gittest.Isolate(t)
	be := New()
	rng := rand.New(rand.NewPCG(10, 2026))
	n := gittest.Sample(30, 12, 8)
	var mu sync.Mutex
	refused, protected := 0, 0
	// The cases run in parallel (the parent's Isolate holds until all are
	// done); each gets the random numbers it drew from the one sequence.
	t.Run("cases", func(t *testing.T) {
		for i := range n {
			d := drawCheckoutCase(rng)
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				r, p := checkDryRun(t, be, i, d)
				mu.Lock()
				defer mu.Unlock()
				refused, protected = refused+r, protected+p
			})
		}
	})
	if !testing.Short() && (refused == 0 || refused == n) {
		t.Errorf("%d of %d refused: the generator does not cover both verdicts", refused, n)
	}
	t.Logf("%d cases: git refused %d, mgit alone refused %d (staged work git would drop)", n, refused, protected)
}

// checkDryRun runs case i: it returns 1, 0 when git switch refused and
// 0, 1 when only mgit refused (to keep staged work git would drop).
func checkDryRun(t *testing.T, be *Backend, i int, d *draws) (refused, protected int) {
	w := filepath.Join(t.TempDir(), "w")
	script := genCheckoutCase(t, d, w)
	d.done(t)
	before := gittest.Git(t, w, "status", "--porcelain=v1", "--untracked-files=all", "--ignored")
	dry := be.Checkout(context.Background(), w, git.CheckoutOptions{Branch: "topic", DryRun: true})
	if after := gittest.Git(t, w, "status", "--porcelain=v1", "--untracked-files=all", "--ignored"); after != before {
		t.Fatalf("case %d: the dry run changed the work tree\n%s", i, script)
	}
	// git alone, on a copy, is the oracle.
	raw := filepath.Join(t.TempDir(), "raw")
	if out, err := exec.Command("cp", "-a", w, raw).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v %s", err, out)
	}
	gitOut, gitErr := gittest.TryGit(raw, "switch", "topic")
	real := be.Checkout(context.Background(), w, git.CheckoutOptions{Branch: "topic"})
	if (dry == nil) != (real == nil) || (dry != nil && dry.Error() != real.Error()) {
		t.Errorf("case %d: dry run %v, checkout %v\n%s", i, dry, real, script)
	}
	switch {
	case gitErr != nil:
		// The same files, plus any staged change git would drop
		// had it gone ahead (see lossyCheck).
		want := overwrittenPaths(gitOut + "\n" + gitErr.Error())
		for _, p := range namedPaths(dry) {
			if !slices.Contains(want, p) && inTargetFile(w, p) {
				want = append(want, p)
			}
		}
		var ge *git.Error
		if !errors.As(dry, &ge) || ge.Detail != git.BlockedDetail(want) {
			t.Errorf("case %d: dry run %v; git switch refused: %s\n%s", i, dry, git.BlockedDetail(want), script)
		}
		return 1, 0
	case dry != nil:
		// mgit refuses where git goes ahead only to keep a staged
		// change git would drop: check that git did drop it.
		var ge *git.Error
		if !errors.As(dry, &ge) || !errors.Is(dry, git.ErrLocalChanges) {
			t.Fatalf("case %d: dry run %v, git switch went ahead\n%s", i, dry, script)
		}
		for _, p := range namedPaths(dry) {
			if _, err := gittest.TryGit(raw, "cat-file", "-e", ":"+p); err == nil {
				t.Errorf("case %d: mgit refused for %s, which git switch kept\n%s", i, p, script)
			}
		}
		return 0, 1
	}
	return 0, 0
}

// draws are the random numbers one case of genCheckoutCase uses, drawn in
// advance from the test's sequence, so that cases can run in parallel and
// still be the ones a sequential run generates.
type draws struct {
	bounds, values []int
	next           int
}

// drawCheckoutCase draws from rng what genCheckoutCase asks for, in its
// order: a verdict for each of the 6 base files, whether c and e change
// kind, whether each of 3 new files is added, and the local work on each of
// 10 paths.
func drawCheckoutCase(rng *rand.Rand) *draws {
	d := &draws{}
	for _, g := range []struct{ count, bound int }{{6, 3}, {1, 2}, {3, 2}, {10, 7}} {
		for range g.count {
			d.bounds = append(d.bounds, g.bound)
			d.values = append(d.values, rng.IntN(g.bound))
		}
	}
	return d
}

// IntN returns the next drawn number; bound must be what it was drawn with.
func (d *draws) IntN(bound int) int {
	if d.next >= len(d.values) || d.bounds[d.next] != bound {
		panic(fmt.Sprintf("draw %d: IntN(%d) does not follow drawCheckoutCase", d.next, bound))
	}
	d.next++
	return d.values[d.next-1]
}

// done fails the test unless the case used every number it drew.
func (d *draws) done(t *testing.T) {
	t.Helper()
	if d.next != len(d.values) {
		t.Fatalf("genCheckoutCase used %d of %d draws", d.next, len(d.values))
	}
}

// namedPaths are the paths a refusal names.
func namedPaths(err error) []string {
	var ge *git.Error
	if !errors.As(err, &ge) {
		return nil
	}
	rest, ok := strings.CutPrefix(ge.Detail, "local changes would be overwritten by checkout: ")
	if !ok {
		return nil
	}
	return strings.Split(rest, ", ")
}

// inTargetFile reports whether a parent directory of p is a file on topic.
func inTargetFile(w, p string) bool {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if out, err := gittest.TryGit(w, "cat-file", "-t", "topic:"+d); err == nil && out == "blob" {
			return true
		}
	}
	return false
}

// genCheckoutCase builds the repository at w and returns what it did.
func genCheckoutCase(t *testing.T, rng *draws, w string) string {
	t.Helper()
	var log []string
	do := func(format string, args ...any) { log = append(log, fmt.Sprintf(format, args...)) }
	gittest.InitRepo(t, w)
	files := []string{"a", "b", "c", "d/x", "d/y", "e/z"}
	for _, f := range files {
		gittest.WriteFile(t, w, f, f+"\n")
	}
	gittest.WriteFile(t, w, ".gitignore", "*.ign\n")
	gittest.Git(t, w, "add", "-A")
	gittest.Git(t, w, "commit", "-q", "-m", "base")
	gittest.Git(t, w, "checkout", "-q", "-b", "topic")
	// The branch: each base file kept, changed or deleted; new files,
	// a file where a directory was (e) and a directory where a file was (c).
	for _, f := range files {
		switch rng.IntN(3) {
		case 1:
			gittest.WriteFile(t, w, f, f+" topic\n")
			do("topic changes %s", f)
		case 2:
			gittest.Git(t, w, "rm", "-qf", f)
			do("topic deletes %s", f)
		}
	}
	if rng.IntN(2) == 0 {
		gittest.Git(t, w, "rm", "-rqf", "--ignore-unmatch", "c", "e")
		for _, f := range []string{"c", "e"} {
			if err := os.RemoveAll(filepath.Join(w, f)); err != nil {
				t.Fatal(err)
			}
		}
		gittest.WriteFile(t, w, "c/new", "dir now\n")
		gittest.WriteFile(t, w, "e", "file now\n")
		do("topic turns c into a directory, e into a file")
	}
	for _, f := range []string{"n1", "n2.ign", "d/n3"} {
		if rng.IntN(2) == 0 {
			gittest.WriteFile(t, w, f, "new "+f+"\n")
			gittest.Git(t, w, "add", "-f", "--", f)
			do("topic adds %s", f)
		}
	}
	gittest.Git(t, w, "add", "-A")
	gittest.Git(t, w, "commit", "-q", "--allow-empty", "-m", "topic")
	gittest.Git(t, w, "checkout", "-q", "main")
	// Local work on main.
	for _, f := range append(files, "n1", "n2.ign", "d/n3", "c/new") {
		switch rng.IntN(7) {
		case 1:
			if _, err := os.Stat(filepath.Join(w, f)); err == nil {
				gittest.WriteFile(t, w, f, "mine\n")
				do("edit %s", f)
			}
		case 2:
			if _, err := os.Stat(filepath.Join(w, f)); err == nil {
				gittest.WriteFile(t, w, f, "staged\n")
				gittest.Git(t, w, "add", "-f", "--", f)
				do("stage an edit of %s", f)
			}
		case 3:
			if out, err := gittest.TryGit(w, "show", "topic:"+f); err == nil && !blockedByFile(w, f) && !isDir(w, f) {
				gittest.WriteFile(t, w, f, out+"\n")
				gittest.Git(t, w, "add", "-f", "--", f)
				do("stage topic's %s", f)
			}
		case 4:
			if err := os.Remove(filepath.Join(w, f)); err == nil {
				do("delete %s", f)
			}
		case 5:
			if _, err := os.Lstat(filepath.Join(w, f)); err != nil && !blockedByFile(w, f) {
				gittest.WriteFile(t, w, f, "untracked\n")
				do("create untracked %s", f)
			}
		}
	}
	return strings.Join(log, "\n")
}

func isDir(w, f string) bool {
	fi, err := os.Stat(filepath.Join(w, f))
	return err == nil && fi.IsDir()
}

// blockedByFile reports whether a parent of f is a file, so f cannot be
// created.
func blockedByFile(w, f string) bool {
	for d := filepath.Dir(f); d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(filepath.Join(w, d)); err == nil && !fi.IsDir() {
			return true
		}
	}
	return false
}
