package gogit

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// checkoutRefusal is what git switch refuses before it looks at a single
// file: a merge, rebase, am, cherry-pick or revert in progress ("cannot
// switch branch while merging"), and a branch checked out in another
// worktree of the repository. go-git checks neither, so we do, for the
// checkout and its dry run alike.
func checkoutRefusal(dir string, opt git.CheckoutOptions) error {
	gitDir, common, err := gitDirs(dir)
	if err != nil {
		return &git.Error{Op: "checkout", Dir: dir, Detail: err.Error(), Err: err}
	}
	for _, s := range []struct{ file, what string }{
		{"MERGE_HEAD", "merging"}, {"rebase-merge", "rebasing"}, {"rebase-apply", "rebasing (or in an am session)"},
		{"CHERRY_PICK_HEAD", "cherry-picking"}, {"REVERT_HEAD", "reverting"},
	} {
		if _, err := os.Lstat(filepath.Join(gitDir, s.file)); err == nil {
			return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrLocalChanges, Detail: "cannot switch branch while " + s.what}
		}
	}
	if opt.Create {
		return nil
	}
	self := canonical(dir)
	for _, w := range worktreeHeads(common) {
		if w.head == "refs/heads/"+opt.Branch && canonical(w.path) != self {
			return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrBranchInUse,
				Detail: "'" + opt.Branch + "' is already checked out at '" + w.path + "'"}
		}
	}
	return nil
}

// worktreeHead is one work tree of a repository and the ref its HEAD names.
type worktreeHead struct{ path, head string }

// worktreeHeads lists the main work tree (unless the repository is bare)
// and every linked one registered under common/worktrees, as
// `git worktree list` does, including those whose directory is gone
// (git still refuses their branch until they are pruned).
//
// TODO(gitdata): use the shared reader.
func worktreeHeads(common string) []worktreeHead {
	var out []worktreeHead
	if filepath.Base(common) == ".git" {
		out = append(out, worktreeHead{filepath.Dir(common), symref(filepath.Join(common, "HEAD"))})
	}
	entries, _ := os.ReadDir(filepath.Join(common, "worktrees"))
	for _, e := range entries {
		d := filepath.Join(common, "worktrees", e.Name())
		b, err := os.ReadFile(filepath.Join(d, "gitdir"))
		if err != nil {
			continue
		}
		p := strings.TrimSpace(string(b))
		if !filepath.IsAbs(p) {
			p = filepath.Join(d, p)
		}
		out = append(out, worktreeHead{filepath.Dir(p), symref(filepath.Join(d, "HEAD"))})
	}
	return out
}

// symref is the ref a HEAD file names ("ref: refs/heads/x"), "" when it
// holds a commit or cannot be read.
func symref(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	ref, _ := strings.CutPrefix(strings.TrimSpace(string(b)), "ref: ")
	if ref == strings.TrimSpace(string(b)) {
		return ""
	}
	return ref
}

// gitDirs returns the git directory of the work tree at dir (.git, or
// where a .git file points) and the common directory.
func gitDirs(dir string) (gitDir, common string, err error) {
	r, err := gitobj.Open(dir)
	if err != nil {
		return "", "", err
	}
	return r.GitDir, r.CommonDir, nil
}

// canonical resolves symlinks so two spellings of one directory compare
// equal; on failure the cleaned path is used.
func canonical(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}
