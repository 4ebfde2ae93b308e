package gogit

import (
	"io"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeEntry is what a tree or the index holds for one path.
type treeEntry struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

// stagedCount is the number of entries git status shows as staged: the
// paths where the index differs from HEAD's tree (mode or object), with
// each exact rename counted once. It compares the two itself rather than
// taking go-git's Staging codes: go-git's tree/index diff misses staged
// deletions and modifications of paths that end in a space or hold a
// backslash. Renames are paired as git pairs them (exact, then similar
// content). Unmerged paths are conflicts, not staged changes; an
// intent-to-add entry is an unstaged addition for git.
func stagedCount(r *gogit.Repository, head headInfo, idx *index.Index, conflicts map[string]bool) (int, error) {
	inIndex := make(map[string]treeEntry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage != 0 || conflicts[e.Name] || e.IntentToAdd {
			continue
		}
		inIndex[e.Name] = treeEntry{e.Hash, e.Mode}
	}
	inHead := map[string]treeEntry{}
	if !head.unborn {
		var err error
		if inHead, err = headTree(r, head.hash); err != nil {
			return 0, err
		}
	}
	var added, deleted []string
	n := 0
	for p, e := range inIndex {
		h, ok := inHead[p]
		switch {
		case !ok:
			added = append(added, p)
		case h != e:
			n++
		}
	}
	for p := range inHead {
		if _, ok := inIndex[p]; !ok && !conflicts[p] {
			deleted = append(deleted, p)
		}
	}
	n += len(added) + len(deleted)
	exact, added, deleted := exactRenames(added, deleted, inIndex, inHead)
	return n - exact - similarRenames(r, added, deleted, inIndex, inHead), nil
}

// headTree flattens the tree of commit h into path → entry (files,
// symlinks and submodules; not directories).
func headTree(r *gogit.Repository, h plumbing.Hash) (map[string]treeEntry, error) {
	c, err := object.GetCommit(r.Storer, h)
	if err != nil {
		return nil, err
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	w := object.NewTreeWalker(tree, true, nil)
	defer w.Close()
	m := map[string]treeEntry{}
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		if e.Mode == filemode.Dir {
			continue
		}
		m[name] = treeEntry{e.Hash, e.Mode}
	}
}

// exactRenames pairs staged renames whose content did not change (git
// status shows each as one entry; counted plainly it is a deletion plus an
// addition) and returns their number with the paths left unpaired, for
// similarRenames.
func exactRenames(added, deleted []string, inIndex, inHead map[string]treeEntry) (n int, restAdded, restDeleted []string) {
	byHash := map[plumbing.Hash][]string{}
	for _, p := range added {
		h := inIndex[p].hash
		byHash[h] = append(byHash[h], p)
	}
	paired := map[string]bool{}
	for _, p := range deleted {
		h := inHead[p].hash
		if len(byHash[h]) == 0 {
			restDeleted = append(restDeleted, p)
			continue
		}
		paired[byHash[h][0]] = true
		byHash[h] = byHash[h][1:]
		n++
	}
	for _, p := range added {
		if !paired[p] {
			restAdded = append(restAdded, p)
		}
	}
	return n, restAdded, restDeleted
}
