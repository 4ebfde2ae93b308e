package gitobj_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestReviewRelativeGitfileThroughSymlink: a work tree reached through a
// symbolic link whose ".git" file holds a relative path with "..". git
// resolves it physically (real_path of the file's directory, as the
// kernel resolves ".."); mgit joined it lexically and looked next to the
// link: Open failed, or found another repository, where git finds the
// right one.
func TestReviewRelativeGitfileThroughSymlink(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	real := filepath.Join(base, "real")
	main := filepath.Join(real, "main")
	gittest.InitRepo(t, main)
	gittest.Commit(t, main, "f", "x\n", "c")
	wt := filepath.Join(real, "wt")
	gittest.Git(t, main, "worktree", "add", "-q", wt)
	// A relative gitdir (as submodules and newer git write them).
	if err := os.WriteFile(filepath.Join(wt, ".git"), []byte("gitdir: ../main/.git/worktrees/wt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(wt, link); err != nil {
		t.Fatal(err)
	}
	want := gittest.Git(t, link, "rev-parse", "--absolute-git-dir")
	wantCommon := gittest.Git(t, link, "rev-parse", "--path-format=absolute", "--git-common-dir")
	r, err := gitobj.Open(link)
	if err != nil {
		t.Fatalf("Open: %v; git finds %s", err, want)
	}
	real1, _ := filepath.EvalSymlinks(r.GitDir)
	real2, _ := filepath.EvalSymlinks(r.CommonDir)
	if real1 != want || real2 != wantCommon {
		t.Errorf("git dir %s (common %s), git says %s (common %s)", r.GitDir, r.CommonDir, want, wantCommon)
	}
}

// TestReviewIncludeIfGitdirThroughSymlink: a repository opened through a
// symbolic link, with includeIf "gitdir:" conditions. git tries the
// absolute path first — $PWD's spelling only when $PWD names the directory
// it runs in, else the physical path — and then the real path. With $PWD
// not the link (as when mgit runs git), git did not match "gitdir:<link>/"
// and mgit did (it matched the link's spelling regardless of $PWD). Now
// mgit asks git when the answer depends on $PWD, and agrees otherwise.
func TestReviewIncludeIfGitdirThroughSymlink(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	repo := filepath.Join(base, "real", "repo")
	gittest.InitRepo(t, repo)
	link := filepath.Join(base, "link")
	if err := os.Symlink(repo, link); err != nil {
		t.Fatal(err)
	}
	conds := []string{"gitdir:./", "gitdir:" + link + "/", "gitdir:" + repo + "/", "gitdir:**/link/.git", "gitdir:**/repo/.git",
		"gitdir:./**", "gitdir:" + base + "/**/.git"}
	for i, cond := range conds {
		inc := filepath.Join(base, "inc"+string(rune('a'+i)))
		if err := os.WriteFile(inc, []byte("[x]\n\tk"+string(rune('a'+i))+" = yes\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		gittest.Git(t, repo, "config", "includeIf."+cond+".path", inc)
	}
	r, err := gitobj.Open(link)
	if err != nil {
		t.Fatal(err)
	}
	for _, pwd := range []string{t.TempDir(), link} {
		env := []string{"PWD=" + pwd}
		c, err := gitobj.LoadConfig(r, append(os.Environ(), env...))
		if errors.Is(err, gitobj.ErrNeedGit) {
			continue // git decides, which is right
		}
		if err != nil {
			t.Fatal(err)
		}
		for i, cond := range conds {
			key := "x.k" + string(rune('a'+i))
			want, _ := gittest.TryGitEnv(link, env, "config", "--get", key)
			got, _ := c.Get(key)
			if got != want {
				t.Errorf("PWD=%s includeIf %q: mgit %q, git %q", pwd, cond, got, want)
			}
		}
	}
	// Without a symbolic link on the way, the in-process answer stands.
	if _, err := gitobj.LoadConfig(gitobj.Repo{WorkTree: repo, GitDir: filepath.Join(repo, ".git"), CommonDir: filepath.Join(repo, ".git")}, os.Environ()); err != nil {
		t.Errorf("LoadConfig without a link: %v", err)
	}
}

// TestReviewRelativeIncludeThroughSymlink: include.path "../../inc" in the
// config of a repository opened through a symbolic link. git appends the
// relative path to the including file's directory and lets the kernel
// resolve "..", physically; mgit cleaned it lexically and read another
// file (next to the link).
func TestReviewRelativeIncludeThroughSymlink(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	repo := filepath.Join(base, "real", "repo")
	gittest.InitRepo(t, repo)
	link := filepath.Join(base, "link")
	if err := os.Symlink(repo, link); err != nil {
		t.Fatal(err)
	}
	for dir, v := range map[string]string{filepath.Join(base, "real"): "physical", base: "lexical"} {
		if err := os.WriteFile(filepath.Join(dir, "inc"), []byte("[x]\n\tk = "+v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Git(t, repo, "config", "include.path", "../../inc")
	want := gittest.Git(t, link, "config", "--get", "x.k")
	r, err := gitobj.Open(link)
	if err != nil {
		t.Fatal(err)
	}
	r.GitDir, r.CommonDir = filepath.Join(link, ".git"), filepath.Join(link, ".git")
	c, err := gitobj.LoadConfig(r, os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get("x.k"); got != want {
		t.Errorf("x.k = %q, git says %q", got, want)
	}
}
