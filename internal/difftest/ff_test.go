package difftest

import (
	"context"
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// ffCase is one upstream change that a fast-forward brings in: the
// commit "before" (what both clones check out) and "after" (what the
// pull brings), plus config both clones get before the pull.
type ffCase struct {
	name   string
	before func(t *testing.T, dir string)
	after  func(t *testing.T, dir string)
	config [][2]string
}

func writeFile(t *testing.T, dir, p, content string, perm os.FileMode) {
	t.Helper()
	full := filepath.Join(dir, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	_ = os.Remove(full)
	if err := os.WriteFile(full, []byte(content), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(full, perm); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, dir, target, p string) {
	t.Helper()
	full := filepath.Join(dir, p)
	_ = os.Remove(full)
	if err := os.Symlink(target, full); err != nil {
		t.Fatal(err)
	}
}

func base(t *testing.T, dir string) {
	writeFile(t, dir, "a.txt", "a\n", 0o644)
	writeFile(t, dir, "run.sh", "#!/bin/sh\n", 0o644)
	writeFile(t, dir, "gone.txt", "bye\n", 0o644)
	writeFile(t, dir, "turns/link", "a file first\n", 0o644)
}

var ffCases = []ffCase{
	{name: "files", before: base, after: func(t *testing.T, dir string) {
		writeFile(t, dir, "a.txt", "a changed\n", 0o644)
		writeFile(t, dir, "new/deep/b.txt", "b\n", 0o644)
		_ = os.Remove(filepath.Join(dir, "gone.txt"))
	}},
	{name: "exec bit", before: base, after: func(t *testing.T, dir string) {
		writeFile(t, dir, "run.sh", "#!/bin/sh\necho run\n", 0o755)
		writeFile(t, dir, "new.sh", "#!/bin/sh\n", 0o755)
	}},
	{name: "symlinks", before: base, after: func(t *testing.T, dir string) {
		symlink(t, dir, "a.txt", "to-a")
		symlink(t, dir, "../a.txt", "turns/link")
		symlink(t, dir, "nowhere", "dangling")
	}},
	{name: "eol=crlf", before: func(t *testing.T, dir string) {
		base(t, dir)
		writeFile(t, dir, ".gitattributes", "*.txt text eol=crlf\n", 0o644)
	}, after: func(t *testing.T, dir string) {
		writeFile(t, dir, "a.txt", "one\ntwo\n", 0o644)
		writeFile(t, dir, "c.txt", "three\n", 0o644)
	}},
	{name: "smudge filter", before: func(t *testing.T, dir string) {
		base(t, dir)
		writeFile(t, dir, ".gitattributes", "*.up filter=up\n", 0o644)
	}, after: func(t *testing.T, dir string) {
		writeFile(t, dir, "x.up", "lower case\n", 0o644)
	}, config: [][2]string{{"filter.up.smudge", "tr a-z A-Z"}, {"filter.up.clean", "cat"}}},
	{name: "core.symlinks=false", before: base, after: func(t *testing.T, dir string) {
		symlink(t, dir, "a.txt", "to-a")
	}, config: [][2]string{{"core.symlinks", "false"}}},
	{name: "core.fileMode=false", before: base, after: func(t *testing.T, dir string) {
		writeFile(t, dir, "run.sh", "#!/bin/sh\necho run\n", 0o755)
		writeFile(t, dir, "new.sh", "#!/bin/sh\n", 0o755)
	}, config: [][2]string{{"core.fileMode", "false"}}},
}

// knownFastForward lists the cases where go-git's fast-forward writes
// something other than git's today, keyed "case/umask". Each is skipped
// with its reason; delete the entry when the fix lands (the test says
// when a listed case agrees).
var knownFastForward = map[string]string{}

// TestFastForwardMatchesGit pulls the same upstream change with git and
// with the go-git backend under umask 022 and 077 and compares the work
// trees: every path's type, permission bits, content or link target.
// The go-git backend may refuse with ErrUnsupported; it may not write
// something different.
//
// It sets the process umask, so it must not run in parallel with other
// tests; the cases under one umask run in parallel with each other. The
// quick tier pulls each case under one umask (alternating, so both are
// checked); the full tier (.ci/run's MGIT_TEST_FULL=1 step) under both.
func TestFastForwardMatchesGit(t *testing.T) {
	gittest.Isolate(t)
	full := gittest.Full()
	for i, mask := range []int{0o022, 0o077} {
		t.Run(fmt.Sprintf("umask %03o", mask), func(t *testing.T) {
			old := syscall.Umask(mask)
			// Cleanup, not defer: the parallel cases run after this
			// function returns, and must see the umask.
			t.Cleanup(func() { syscall.Umask(old) })
			for j, c := range ffCases {
				if !full && j%2 != i {
					continue
				}
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					fastForwardCase(t, c, fmt.Sprintf("%s/umask %03o", c.name, mask))
				})
			}
		})
	}
}

// fastForwardCase pulls one case with both and judges the difference;
// name is its key in knownFastForward.
func fastForwardCase(t *testing.T, c ffCase, name string) {
	gitTree, goTree, refused := fastForwardBoth(t, c)
	diffs := compareTrees(gitTree, goTree)
	reason, known := knownFastForward[name]
	switch {
	case refused != nil && errors.Is(refused, git.ErrUnsupported):
		t.Logf("go-git refused, as it may: %v", refused)
	case refused != nil && known:
		t.Skipf("known: %s, see issue 10 (go-git refused: %v)", reason, refused)
	case refused != nil:
		t.Fatalf("go-git pull failed where git's succeeded: %v", refused)
	case len(diffs) > 0 && known:
		t.Skipf("known: %s, see issue 10 (%d paths differ, e.g. %s)", reason, len(diffs), diffs[0])
	case len(diffs) > 0:
		t.Errorf("go-git's fast-forward differs from git's:\n  %s", strings.Join(diffs, "\n  "))
	case known:
		t.Skipf("knownFastForward[%q] agrees with git now: delete the entry", name)
	}
}

// fastForwardBoth clones the upstream twice, adds the change upstream, and
// pulls it with git in one clone and with the go-git backend in the
// other. It returns both work trees' snapshots and go-git's error.
func fastForwardBoth(t *testing.T, c ffCase) (gitTree, goTree map[string]string, refused error) {
	root := t.TempDir()
	up := filepath.Join(root, "up.git")
	seed := filepath.Join(root, "seed")
	gittest.Git(t, root, "init", "-q", "--bare", up)
	gittest.Git(t, root, "init", "-q", "-b", "main", seed)
	c.before(t, seed)
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-q", "-m", "before")
	gittest.Git(t, seed, "push", "-q", up, "main")
	clones := [2]string{filepath.Join(root, "with-git"), filepath.Join(root, "with-go-git")}
	for _, d := range clones {
		// clone --config sets it before the checkout, as if it had
		// always been there.
		args := []string{"clone", "-q"}
		for _, kv := range c.config {
			args = append(args, "--config", kv[0]+"="+kv[1])
		}
		gittest.Git(t, root, append(args, up, d)...)
	}
	c.after(t, seed)
	gittest.Git(t, seed, "add", "-A")
	gittest.Git(t, seed, "commit", "-q", "-m", "after")
	gittest.Git(t, seed, "push", "-q", up, "main")

	gittest.Git(t, clones[0], "pull", "-q", "--ff-only")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, refused = gogit.New().Pull(ctx, clones[1], git.PullOptions{})
	return snapshot(t, clones[0]), snapshot(t, clones[1]), refused
}

// snapshot describes every path of a work tree outside .git (and .git
// files): kind,
// permission bits and a digest of the content or the link target.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Name() == ".git" {
			// A linked worktree's or submodule's .git file names an
			// absolute path, which differs between twins by design.
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "symlink -> " + target
		case info.IsDir():
			out[rel] = fmt.Sprintf("dir %04o", info.Mode().Perm())
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("file %04o %x %q", info.Mode().Perm(), sha1.Sum(b), truncated(string(b)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func truncated(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// compareTrees lists every path whose description differs.
func compareTrees(want, got map[string]string) []string {
	var diffs []string
	keys := slices.Sorted(maps.Keys(want))
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if want[k] != got[k] {
			diffs = append(diffs, fmt.Sprintf("%s: git %q, ours %q", k, want[k], got[k]))
		}
	}
	return diffs
}
