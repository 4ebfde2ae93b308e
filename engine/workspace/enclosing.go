package workspace

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// enclosing finds the repository whose work tree holds dir, walking upward
// from dir as git does when it looks for a repository (git rev-parse
// --show-toplevel): dir itself, then each parent that is not at or above a
// ceiling directory. A ceiling that is dir itself does not stop the search
// (git ignores ceilings that are not proper ancestors of the starting
// directory). Paths are compared with symbolic links resolved, as git does.
// git's other stop, GIT_DISCOVERY_ACROSS_FILESYSTEM, is not modelled: the
// search may cross a mount point git would not cross.
func enclosing(dir string, ceilings []string) (top string, kind Kind, ok bool) {
	start := realPath(dir)
	limit := ""
	for _, c := range ceilings {
		if c == "" || !filepath.IsAbs(c) {
			continue // git skips empty and relative entries
		}
		c = realPath(c)
		if isProperAncestor(c, start) && len(c) > len(limit) {
			limit = c
		}
	}
	for d := start; ; {
		if limit != "" && !isProperAncestor(limit, d) {
			return "", "", false
		}
		if k, found := repoAt(d); found {
			return d, k, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", "", false
		}
		d = parent
	}
}

// repoAt reports whether d holds a .git directory or a gitdir file, and
// which kind of repository that makes it.
func repoAt(d string) (Kind, bool) {
	gitPath := filepath.Join(d, ".git")
	fi, err := os.Lstat(gitPath)
	switch {
	case err != nil:
		return "", false
	case fi.IsDir():
		// git's is_git_directory: a ".git" directory without the shape
		// of a repository is passed over and the search goes on.
		return KindRepo, looksLikeGitDir(gitPath)
	case !fi.Mode().IsRegular():
		return "", false
	}
	gitdir, err := gitobj.ReadGitFile(gitPath)
	if err != nil {
		return "", false // git, too, ignores a .git file it cannot read
	}
	return gitdirKind(gitdir), true
}

// isProperAncestor reports whether a is a directory strictly above d.
func isProperAncestor(a, d string) bool {
	if a == string(filepath.Separator) {
		return d != a
	}
	return strings.HasPrefix(d, a+string(filepath.Separator))
}

// realPath resolves symbolic links in p, falling back to the cleaned path.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// Ceilings splits a GIT_CEILING_DIRECTORIES value (colon-separated, ';' on
// Windows).
func Ceilings(env string) []string {
	if env == "" {
		return nil
	}
	return filepath.SplitList(env)
}

// looksLikeGitDir is the shape test of git's is_git_directory: a HEAD, and
// objects/ and refs/ (in the common directory when a commondir file names
// one).
func looksLikeGitDir(g string) bool {
	if _, err := os.Lstat(filepath.Join(g, "HEAD")); err != nil {
		return false
	}
	common := g
	if b, err := os.ReadFile(filepath.Join(g, "commondir")); err == nil {
		c := strings.TrimRight(string(b), "\r\n")
		if !filepath.IsAbs(c) {
			c = filepath.Join(g, c)
		}
		common = c
	}
	for _, d := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, d)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}
