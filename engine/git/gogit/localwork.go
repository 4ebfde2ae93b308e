package gogit

import (
	"context"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mgit-dev/mgit/engine/git"
)

var _ git.LocalWorkFinder = (*Backend)(nil)

// LocalWork lists the local work of the clone at dir in-process (no git
// binary where this backend runs). Without git's own rules at hand it errs
// on the side of finding work: every file outside the index counts (go-git
// ignores more than git in some patterns, so untracked and ignored are told
// apart only for the message), and every index entry marked skip-worktree
// counts. go-git does not honour assume-unchanged or skip-worktree, so an
// edit under either flag shows up as a change.
func (b *Backend) LocalWork(ctx context.Context, dir, fresh string) (git.LocalWork, error) {
	var w git.LocalWork
	r, err := open("local work", dir)
	if err != nil {
		return w, err
	}
	wt, err := r.Worktree()
	if err != nil {
		return w, opError(ctx, "local work", dir, err, "")
	}
	st, err := wt.Status()
	if err != nil {
		return w, opError(ctx, "local work", dir, err, "")
	}
	untracked := map[string]bool{}
	for path, s := range st {
		if s.Worktree == gogit.Untracked {
			untracked[path] = true
			git.Add(&w.Untracked, &w.NUntracked, path)
			continue
		}
		if s.Staging != gogit.Unmodified || s.Worktree != gogit.Unmodified {
			git.Add(&w.Changed, &w.NChanged, path)
		}
	}
	idx, err := r.Storer.Index()
	if err != nil {
		return w, opError(ctx, "local work", dir, err, "")
	}
	tracked := make(map[string]bool, len(idx.Entries))
	for _, e := range idx.Entries {
		tracked[e.Name] = true
		// Every directory above a tracked file is "tracked" too, so
		// that the walk can skip wholly untracked ones (node_modules).
		for d := path.Dir(e.Name); d != "." && !tracked[d+"/"]; d = path.Dir(d) {
			tracked[d+"/"] = true
		}
		if e.SkipWorktree {
			git.Add(&w.Flagged, &w.NFlagged, e.Name)
		}
	}
	if err := walkUntracked(ctx, dir, tracked, untracked, &w); err != nil {
		return w, opError(ctx, "local work", dir, err, "")
	}
	if fresh == "" {
		return w, nil
	}
	return w, localRefs(ctx, r, dir, fresh, &w)
}

// walkUntracked counts as ignored every file in the work tree that is
// neither in the index nor reported untracked. A directory holding no
// tracked file is one entry (node_modules is not walked), and so is a
// nested repository.
func walkUntracked(ctx context.Context, dir string, tracked, untracked map[string]bool, w *git.LocalWork) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if d.Name() == ".git" && filepath.Dir(p) == filepath.Clean(dir) {
				return filepath.SkipDir
			}
			if tracked[rel] {
				// A submodule: its repository, in .git/modules, is
				// judged by the engine as a whole.
				return filepath.SkipDir
			}
			if !tracked[rel+"/"] {
				if !hasPrefixIn(untracked, rel+"/") {
					git.Add(&w.Ignored, &w.NIgnored, rel+"/")
				}
				return filepath.SkipDir
			}
			return nil
		}
		if d.Name() == ".git" { // a nested repository or submodule link
			parent := filepath.ToSlash(filepath.Dir(rel))
			if !tracked[parent] {
				git.Add(&w.Ignored, &w.NIgnored, parent)
			}
			return nil
		}
		if !tracked[rel] && !untracked[rel] {
			git.Add(&w.Ignored, &w.NIgnored, rel)
		}
		return nil
	})
}

// hasPrefixIn reports whether a key of set starts with prefix.
func hasPrefixIn(set map[string]bool, prefix string) bool {
	for k := range set {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// localRefs finds the refs of r that the fresh clone cannot restore: tags
// and notes must exist in fresh with the same value, the stash never does,
// and every other ref, a detached HEAD included, must point at an object
// fresh has.
func localRefs(ctx context.Context, r *gogit.Repository, dir, fresh string, w *git.LocalWork) error {
	fr, err := open("local work", fresh)
	if err != nil {
		return err
	}
	check := func(name string, h plumbing.Hash) {
		switch {
		case name == "refs/stash":
			git.Add(&w.Refs, &w.NRefs, name)
		case strings.HasPrefix(name, "refs/tags/") || strings.HasPrefix(name, "refs/notes/"):
			if ref, err := fr.Storer.Reference(plumbing.ReferenceName(name)); err != nil || ref.Hash() != h {
				git.Add(&w.Refs, &w.NRefs, name)
			}
		default:
			if fr.Storer.HasEncodedObject(h) != nil {
				git.Add(&w.Refs, &w.NRefs, name)
			}
		}
	}
	if head, err := r.Storer.Reference(plumbing.HEAD); err == nil && head.Type() == plumbing.HashReference {
		check("HEAD", head.Hash())
	}
	iter, err := r.Storer.IterReferences()
	if err != nil {
		return opError(ctx, "local work", dir, err, "")
	}
	defer iter.Close()
	return iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && ref.Name() != plumbing.HEAD {
			check(ref.Name().String(), ref.Hash())
		}
		return nil
	})
}
