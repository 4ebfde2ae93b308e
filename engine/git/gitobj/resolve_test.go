package gitobj_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// refsRepo makes a repository with loose and packed branches, annotated
// and lightweight tags (packed with peeled lines), symbolic refs and a
// linked worktree.
func refsRepo(t *testing.T) (dir, wt string) {
	t.Helper()
	gittest.Isolate(t)
	dir = filepath.Join(t.TempDir(), "repo")
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a", "1\n", "one")
	gittest.Git(t, dir, "tag", "-a", "-m", "annotated", "v1")
	gittest.Git(t, dir, "tag", "light")
	gittest.Git(t, dir, "branch", "packed-only")
	gittest.Git(t, dir, "branch", "deep/er/name")
	gittest.Git(t, dir, "pack-refs", "--all")
	gittest.Commit(t, dir, "a", "2\n", "two") // main loose again, over its packed line
	gittest.Git(t, dir, "tag", "-a", "-m", "loose annotated", "v2")
	gittest.Git(t, dir, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
	gittest.Git(t, dir, "symbolic-ref", "refs/heads/alias2", "refs/heads/alias")
	gittest.Git(t, dir, "symbolic-ref", "refs/heads/dangling", "refs/heads/nowhere")
	wt = filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, dir, "worktree", "add", "-q", "-b", "side", wt)
	gittest.Commit(t, wt, "b", "b\n", "in worktree")
	return dir, wt
}

func TestResolveRefMatchesGit(t *testing.T) {
	dir, wt := refsRepo(t)
	for _, d := range []string{dir, wt} {
		r, err := gitobj.Open(d)
		if err != nil {
			t.Fatal(err)
		}
		names := strings.Fields(gittest.Git(t, d, "for-each-ref", "--format=%(refname)"))
		names = append(names, "HEAD", "refs/heads/nowhere", "refs/heads/dangling", "refs/heads/deep", "refs/tags/none")
		for _, name := range names {
			want, gitErr := gittest.TryGit(d, "rev-parse", "--verify", "-q", name)
			sha, found, err := gitobj.ResolveRef(r, name)
			switch {
			case err != nil:
				t.Errorf("%s: %v", name, err)
			case (gitErr == nil) != found:
				t.Errorf("%s: found=%v, git: %q %v", name, found, want, gitErr)
			case found && sha != want:
				t.Errorf("%s = %s, git says %s", name, sha, want)
			}
		}
		head, err := gitobj.ReadHead(r)
		if err != nil {
			t.Fatal(err)
		}
		if want := gittest.Git(t, d, "symbolic-ref", "--short", "HEAD"); head.Branch != want {
			t.Errorf("HEAD branch %q, git says %q", head.Branch, want)
		}
		// Directories, as git reports them.
		abs := func(s string) string {
			p, err := filepath.EvalSymlinks(s)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		if want := gittest.Git(t, d, "rev-parse", "--path-format=absolute", "--git-dir"); abs(r.GitDir) != abs(want) {
			t.Errorf("git dir %s, git says %s", r.GitDir, want)
		}
		if want := gittest.Git(t, d, "rev-parse", "--path-format=absolute", "--git-common-dir"); abs(r.CommonDir) != abs(want) {
			t.Errorf("common dir %s, git says %s", r.CommonDir, want)
		}
	}
}

func TestPackedRefsPeeled(t *testing.T) {
	dir, _ := refsRepo(t)
	packed, err := gitobj.ReadPackedRefs(filepath.Join(dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	// show-ref -d lists each tag and, for an annotated one, ^{} and the
	// commit it peels to.
	for line := range strings.Lines(gittest.Git(t, dir, "show-ref", "-d", "--tags")) {
		sha, name, _ := strings.Cut(strings.TrimSpace(line), " ")
		if base, ok := strings.CutSuffix(name, "^{}"); ok {
			if p, in := packed[base]; in && p.Peeled != sha {
				t.Errorf("%s peels to %q, git says %s", base, p.Peeled, sha)
			}
			continue
		}
		if p, in := packed[name]; in && p.SHA != sha {
			t.Errorf("%s = %s, git says %s", name, p.SHA, sha)
		}
	}
	if packed["refs/tags/v1"].Peeled == "" {
		t.Error("packed annotated tag v1 has no peeled value")
	}
	if packed["refs/tags/light"].Peeled != "" || packed["refs/tags/light"].SHA == "" {
		t.Errorf("light = %+v", packed["refs/tags/light"])
	}
}

// Files git would call corrupt, or layouts it reads its own way, are
// ErrNeedGit, never a wrong answer.
func TestResolveRefDoubts(t *testing.T) {
	dir, _ := refsRepo(t)
	r, err := gitobj.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	common := r.CommonDir
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(common, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("refs/heads/broken", "not an id\n")
	if _, _, err := gitobj.ResolveRef(r, "refs/heads/broken"); !errors.Is(err, gitobj.ErrNeedGit) {
		t.Errorf("broken loose ref: %v", err)
	}
	for _, name := range []string{"refs/heads/../../config", "refs/heads/a..b", "refs/heads/x.lock", "refs/heads/sp ace"} {
		if _, _, err := gitobj.ResolveRef(r, name); !errors.Is(err, gitobj.ErrNeedGit) {
			t.Errorf("%q: %v, want ErrNeedGit", name, err)
		}
	}
	saved, _ := os.ReadFile(filepath.Join(common, "packed-refs"))
	write("packed-refs", string(saved)+"garbage line\n")
	if _, err := gitobj.ReadPackedRefs(common); !errors.Is(err, gitobj.ErrNeedGit) {
		t.Errorf("corrupt packed-refs: %v", err)
	}
	write("packed-refs", strings.TrimSuffix(string(saved), "\n"))
	if _, err := gitobj.ReadPackedRefs(common); !errors.Is(err, gitobj.ErrNeedGit) {
		t.Errorf("unterminated packed-refs: %v", err)
	}
}

// A ".git" file must say "gitdir: " with the space, as git requires; a
// relative path is relative to the file.
func TestGitFile(t *testing.T) {
	gittest.Isolate(t)
	root := t.TempDir()
	real := filepath.Join(root, "store", "repo.git")
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, "", "init", "-q", "--separate-git-dir", real, filepath.Join(root, "work"))
	work := filepath.Join(root, "work")
	if err := os.WriteFile(filepath.Join(work, ".git"), []byte("gitdir: ../store/repo.git\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := gitobj.Open(work)
	if err != nil {
		t.Fatal(err)
	}
	if want := gittest.Git(t, work, "rev-parse", "--path-format=absolute", "--git-dir"); r.GitDir != want {
		t.Errorf("git dir %s, git says %s", r.GitDir, want)
	}
	if err := os.WriteFile(filepath.Join(work, ".git"), []byte("gitdir:../store/repo.git\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, gitErr := gittest.TryGit(work, "rev-parse", "--git-dir"); gitErr == nil {
		t.Fatal("git accepted gitdir: without a space")
	}
	if _, err := gitobj.Open(work); err == nil {
		t.Error("gitdir: without a space accepted; git rejects it")
	}
}
