package gitobj

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Repo is where a work tree's repository lives. GitDir holds what belongs
// to one work tree (HEAD, index, per-worktree refs); CommonDir holds what
// linked worktrees share (objects, refs, packed-refs, config). They are the
// same directory except in a linked worktree.
type Repo struct {
	WorkTree, GitDir, CommonDir string
}

// Open finds the repository of the work tree at workTree the way git does
// when it starts there (without GIT_DIR and friends): workTree/.git is the
// git directory, or a ".git" file names it ("gitdir: <path>", relative to
// the file's directory), and a "commondir" file in it names the common
// directory (relative to the git directory). Anything git would reject is
// an error, one wrapping ErrNeedGit when git might still make sense of it.
func Open(workTree string) (Repo, error) {
	gitDir := filepath.Join(workTree, ".git")
	fi, err := os.Stat(gitDir)
	if err != nil {
		return Repo{}, fmt.Errorf("git dir of %s: %w", workTree, err)
	}
	if !fi.IsDir() {
		if gitDir, err = ReadGitFile(gitDir); err != nil {
			return Repo{}, fmt.Errorf("git dir of %s: %w", workTree, err)
		}
	}
	common, err := commonDir(gitDir)
	if err != nil {
		return Repo{}, fmt.Errorf("common dir of %s: %w", workTree, err)
	}
	if !isGitDir(gitDir, common) {
		return Repo{}, fmt.Errorf("git dir of %s: %s is not a git repository: %w", workTree, gitDir, ErrNeedGit)
	}
	return Repo{WorkTree: workTree, GitDir: gitDir, CommonDir: common}, nil
}

// ReadGitFile reads a ".git" file as read_gitfile_gently does: it must
// start with "gitdir: " (with the space); trailing CR and LF are dropped
// (other white space is part of the path); a relative path is relative to
// the file's directory, physically (see joinPhysical).
func ReadGitFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	rest, ok := bytes.CutPrefix(b, []byte("gitdir: "))
	if !ok {
		return "", fmt.Errorf("%s: not a gitdir file", path)
	}
	dir := strings.TrimRight(string(rest), "\r\n")
	if dir == "" {
		return "", fmt.Errorf("%s: no path in gitdir file", path)
	}
	if strings.ContainsAny(dir, "\r\n\x00") {
		return "", fmt.Errorf("%s: gitdir file of several lines: %w", path, ErrNeedGit)
	}
	if !filepath.IsAbs(dir) {
		dir = joinPhysical(filepath.Dir(path), dir)
	}
	return filepath.Clean(dir), nil
}

// joinPhysical joins a relative path to base the way the kernel resolves
// it: a ".." in rel leaves the directory base really is, not the one its
// spelling suggests when base passes through a symbolic link (git uses
// the real path there too).
func joinPhysical(base, rel string) string {
	if rel == ".." || strings.HasPrefix(rel, "../") || strings.Contains(rel, "/../") || strings.HasSuffix(rel, "/..") {
		if real, err := filepath.EvalSymlinks(base); err == nil {
			base = real
		}
	}
	return filepath.Join(base, rel)
}

// commonDir is get_common_dir_noenv: the "commondir" file's content with
// trailing CR/LF dropped, relative to gitDir; an empty or missing file
// means gitDir itself.
func commonDir(gitDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(b) == 0) {
		return gitDir, nil
	}
	if err != nil {
		return "", fmt.Errorf("read commondir: %v: %w", err, ErrNeedGit)
	}
	c := strings.TrimRight(string(b), "\r\n")
	if strings.ContainsAny(c, "\r\n\x00") {
		return "", fmt.Errorf("commondir of several lines: %w", ErrNeedGit)
	}
	if !filepath.IsAbs(c) {
		c = joinPhysical(gitDir, c)
	}
	return filepath.Clean(c), nil
}

// isGitDir is the shape test of git's is_git_directory: HEAD in the git
// directory, objects/ and refs/ in the common one.
func isGitDir(gitDir, common string) bool {
	if fi, err := os.Stat(filepath.Join(gitDir, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	for _, d := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, d)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// OpenBare opens the bare repository (a mirror) whose git directory is
// dir itself: HEAD, objects/ and refs/ directly in it.
func OpenBare(dir string) (Repo, error) {
	if !isGitDir(dir, dir) {
		return Repo{}, fmt.Errorf("%s is not a bare git repository: %w", dir, ErrNeedGit)
	}
	return Repo{GitDir: dir, CommonDir: dir}, nil
}

// CommonDir returns the common directory of the work tree at workTree (see
// Open).
func CommonDir(workTree string) (string, error) {
	r, err := Open(workTree)
	return r.CommonDir, err
}
