package app

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	gitcli "github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/conformance"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// testCloneBySize is the auto backend's composite as ChooseBackend builds
// it, recording which backend made each clone.
func testCloneBySize() (*cloneBySize, func() []string) {
	b := newCloneBySize(gitcli.New(), gogit.New())
	var mu sync.Mutex
	var used []string
	b.cloned = func(name string) {
		mu.Lock()
		defer mu.Unlock()
		used = append(used, name)
	}
	return b, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(used)
	}
}

// servedFixture builds a bare repository "team/app" on a smart-HTTP
// server: branches main, dev (the remote's HEAD, not main) and feature/x;
// a lightweight and an annotated tag; an executable, a symlink, nested
// directories, and .gitattributes converting *.txt to CRLF and leaving
// *.bin alone.
func servedFixture(t *testing.T) (*gittest.Server, string) {
	t.Helper()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	bare := srv.BareDir("team/app")
	gittest.Git(t, "", "init", "-q", "--bare", bare)
	work := filepath.Join(t.TempDir(), "work")
	gittest.InitRepo(t, work)
	gittest.WriteFile(t, work, ".gitattributes", "*.txt text eol=crlf\n*.bin binary\n")
	gittest.WriteFile(t, work, "a/b/c/deep.txt", "one\ntwo\n")
	gittest.WriteFile(t, work, "data.bin", "\x00\x01raw\nbytes\r\n")
	gittest.WriteFile(t, work, "README.md", "# app\n")
	gittest.WriteFile(t, work, "run.sh", "#!/bin/sh\necho hi\n")
	if err := os.Chmod(filepath.Join(work, "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a/b/c/deep.txt", filepath.Join(work, "link")); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, work, "add", "-A")
	gittest.Git(t, work, "commit", "-qm", "initial")
	gittest.Git(t, work, "tag", "v0.1")
	gittest.Git(t, work, "tag", "-a", "-m", "release one", "v1.0")
	gittest.Git(t, work, "branch", "feature/x")
	gittest.Git(t, work, "switch", "-q", "-c", "dev")
	gittest.Commit(t, work, "a/dev.txt", "dev work\n", "dev work")
	gittest.Git(t, work, "push", "-q", "--tags", bare, "main", "dev", "feature/x")
	gittest.Git(t, bare, "symbolic-ref", "HEAD", "refs/heads/dev")
	return srv, srv.URL("team/app")
}

// cloneView is what git says about a clone, and its work tree.
func cloneView(t *testing.T, dir string) map[string]string {
	t.Helper()
	v := map[string]string{}
	for _, args := range [][]string{
		{"status", "--porcelain=v2", "--branch"},
		{"for-each-ref"},
		{"rev-parse", "HEAD", "@{u}"},
		{"config", "--local", "--get-regexp", `^(remote|branch)\.`},
		{"fsck", "--no-progress"},
		{"ls-files", "-s"},
		{"ls-files", "--eol"},
	} {
		out, err := gittest.TryGit(dir, args...)
		if err != nil {
			out = "error: " + strings.ReplaceAll(err.Error(), dir, "DIR")
		}
		v["git "+strings.Join(args, " ")] = out
	}
	v["work tree"] = workTree(t, dir)
	return v
}

// workTree lists every path under dir but .git with its mode and bytes
// (a symlink's target).
func workTree(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == ".git" {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		what := ""
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			what, err = os.Readlink(p)
		case fi.Mode().IsRegular():
			var b []byte
			b, err = os.ReadFile(p)
			what = fmt.Sprintf("%x", sha256.Sum256(b))
		}
		lines = append(lines, fmt.Sprintf("%s %v %s", rel, fi.Mode(), what))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func sameView(t *testing.T, want, got map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range want {
			if !yield(k) {
				return
			}
		}
	}) {
		if want[k] != got[k] {
			t.Errorf("%s differs\ngit clone:\n%s\ncomposite:\n%s", k, want[k], got[k])
		}
	}
}

// TestCloneBySizeMatchesGit: a repository listed as small is cloned by
// go-git, and git cannot tell the result from its own clone; one listed as
// large, or of unknown size, by git.
func TestCloneBySizeMatchesGit(t *testing.T) {
	t.Parallel()
	_, url := servedFixture(t)
	want := filepath.Join(t.TempDir(), "git")
	gittest.Clone(t, url, want)
	wantView := cloneView(t, want)

	for _, c := range []struct {
		name string
		hint int64
		by   string
		goos string // "": linux
	}{
		{"small", 4 << 10, "go-git", ""},
		{"at the limit", smallCloneBytes, "go-git", ""},
		{"large", smallCloneBytes + 1, "cli", ""},
		{"unknown size", 0, "go-git", ""},
		// git writes what it probed of the file system (core.ignorecase
		// and the like) where go-git writes nothing: only Linux's answers
		// are git's defaults.
		{"small on macOS", 4 << 10, "cli", "darwin"},
		{"small on Windows", 4 << 10, "cli", "windows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, used := testCloneBySize()
			b.goos = "linux"
			if c.goos != "" {
				b.goos = c.goos
			}
			dest := filepath.Join(t.TempDir(), "app")
			if err := b.Clone(context.Background(), url, dest, git.CloneOptions{SizeHint: c.hint}); err != nil {
				t.Fatal(err)
			}
			if got := used(); !slices.Equal(got, []string{c.by}) {
				t.Errorf("size hint %d: cloned by %v, want %s", c.hint, got, c.by)
			}
			sameView(t, wantView, cloneView(t, dest))
		})
	}
}

// TestCloneBySizeFallsBackToGit: what go-git refuses (a filter attribute)
// or would name differently (an empty remote's unborn branch) is cloned
// again by git, into the same destination, with git's result.
func TestCloneBySizeFallsBackToGit(t *testing.T) {
	t.Parallel()
	srv, url := servedFixture(t)
	work := filepath.Join(t.TempDir(), "lfs")
	gittest.Clone(t, url, work)
	gittest.Commit(t, work, ".gitattributes", "*.dat filter=lfs diff=lfs merge=lfs -text\n", "lfs")
	gittest.Commit(t, work, "big.dat", "version https://git-lfs.github.com/spec/v1\n", "pointer")
	gittest.Git(t, work, "push", "-q", srv.BareDir("team/app"), "HEAD:dev")
	gittest.Git(t, "", "init", "-q", "--bare", srv.BareDir("team/empty"))

	for _, c := range []struct{ name, url string }{
		{"filter attribute", url},
		{"empty remote", srv.URL("team/empty")},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := filepath.Join(t.TempDir(), "git")
			gittest.Clone(t, c.url, want)
			b, used := testCloneBySize()
			dest := filepath.Join(t.TempDir(), "app")
			if err := os.Mkdir(dest, 0o755); err != nil { // an empty destination stays allowed
				t.Fatal(err)
			}
			if err := b.Clone(context.Background(), c.url, dest, git.CloneOptions{SizeHint: 1024}); err != nil {
				t.Fatal(err)
			}
			if got := used(); !slices.Equal(got, []string{"cli"}) {
				t.Errorf("cloned by %v, want cli after go-git", got)
			}
			sameView(t, cloneView(t, want), cloneView(t, dest))
		})
	}
}

// TestCloneBySizeKeepsOptionalInterfaces: clone --force asks the backend
// for git.LocalWorkFinder; the composite must still be one.
func TestCloneBySizeKeepsOptionalInterfaces(t *testing.T) {
	t.Parallel()
	var b git.Backend = newCloneBySize(gitcli.New(), gogit.New())
	if _, ok := b.(git.LocalWorkFinder); !ok {
		t.Error("the composite backend is no git.LocalWorkFinder: clone --force could not check for local work")
	}
	if b.Name() != "cli" {
		t.Errorf("Name() = %q, want cli (every operation but small clones is git's)", b.Name())
	}
}

// hintedClone gives every clone a small size hint, so the composite's
// go-git path runs under the conformance suites.
type hintedClone struct{ *cloneBySize }

func (h hintedClone) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	opt.SizeHint = 1024
	return h.cloneBySize.Clone(ctx, url, dest, opt)
}

// TestCloneBySizeRedirectCarriesNoToken: a small clone through the
// composite sends no credential to the host a remote redirects to. go-git
// tries first and refuses the redirect (it follows none); git, which
// clones after it, refuses it too while it holds the credential, so the
// composite refuses and names the new URL, as the CLI backend does.
func TestCloneBySizeRedirectCarriesNoToken(t *testing.T) {
	var tries atomic.Int64
	conformance.RunRedirects(t, func(*testing.T) git.Backend {
		b := newCloneBySize(gitcli.New(), countedClone{gogit.New(), &tries})
		return hintedClone{b}
	}, conformance.RedirectExpect{Refuses: true})
	if tries.Load() == 0 {
		t.Error("go-git was never asked to clone: the suite did not exercise the small-clone path")
	}
}

// countedClone counts the clones a backend is asked for.
type countedClone struct {
	git.Backend
	n *atomic.Int64
}

func (c countedClone) Clone(ctx context.Context, url, dest string, opt git.CloneOptions) error {
	c.n.Add(1)
	return c.Backend.Clone(ctx, url, dest, opt)
}

// TestCloneBySizeNeverRemovesWhatWasThere: a destination that is not
// absent or a real empty directory goes to git, whose checks refuse it:
// go-git's failure would be cleaned up by removing dest, and a dangling
// symlink there (os.Stat: not found, so go-git's own check lets it
// through) was removed and replaced by a clone.
func TestCloneBySizeNeverRemovesWhatWasThere(t *testing.T) {
	t.Parallel()
	_, url := servedFixture(t)
	for _, c := range []struct {
		name string
		make func(dest string) error
	}{
		{"dangling symlink", func(dest string) error { return os.Symlink("nowhere", dest) }},
		{"symlink to an empty directory", func(dest string) error {
			target := dest + ".target"
			if err := os.Mkdir(target, 0o755); err != nil {
				return err
			}
			return os.Symlink(filepath.Base(target), dest)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, used := testCloneBySize()
			dest := filepath.Join(t.TempDir(), "app")
			if err := c.make(dest); err != nil {
				t.Fatal(err)
			}
			before, err := os.Readlink(dest)
			if err != nil {
				t.Fatal(err)
			}
			_ = b.Clone(context.Background(), url, dest, git.CloneOptions{SizeHint: 1024})
			after, err := os.Readlink(dest)
			if err != nil || after != before {
				t.Fatalf("the symlink at dest is gone or changed: %q, %v (was %q)", after, err, before)
			}
			if got := used(); slices.Contains(got, "go-git") {
				t.Errorf("cloned by %v, want git (or nothing) for a destination that is a symlink", got)
			}
		})
	}
}
