package quickstatus

import (
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// readCommit reads commit sha (loose or packed) for display, with its tree
// id, which decides whether anything is staged.
func readCommit(commonDir, sha string) (git.Commit, plumbing.Hash, error) {
	raw, err := gitobj.ReadCommit(filepath.Join(commonDir, "objects"), sha)
	if err != nil {
		return git.Commit{}, plumbing.ZeroHash, slow("read commit %s: %v", sha, err)
	}
	c, err := gitobj.ParseCommit(sha, raw)
	if err != nil {
		return git.Commit{}, plumbing.ZeroHash, slow("%v", err)
	}
	tree := gitobj.CommitTree(raw)
	if !plumbing.IsHash(tree) {
		return git.Commit{}, plumbing.ZeroHash, slow("commit %s has no tree", sha)
	}
	return c, plumbing.NewHash(tree), nil
}
