package gogit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/utils/merkletrie"
)

// localChangesError lists the paths that block a fast-forward.
type localChangesError struct{ paths []string }

func (e *localChangesError) Error() string {
	sort.Strings(e.paths)
	const show = 3
	p := e.paths
	more := ""
	if len(p) > show {
		more = fmt.Sprintf(" and %d more", len(p)-show)
		p = p[:show]
	}
	return "local changes would be overwritten by the fast-forward: " + strings.Join(p, ", ") + more
}

// ffPlan is the set of path changes between HEAD's tree and the target's.
type ffPlan struct {
	deletes []string                     // tracked paths the target drops
	writes  map[string]*object.TreeEntry // paths the target adds or changes
	creates map[string]bool              // the writes HEAD's tree does not have
}

// fastForward moves the checked-out branch from head to target, rewriting
// only the paths that differ between the two trees. See Pull for the rules.
func fastForward(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash) error {
	if err := moveWorktree(ctx, r, head, target); err != nil {
		return err
	}
	return updateBranch(r, head, target)
}

func planFastForward(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash) (ffPlan, error) {
	plan := ffPlan{writes: map[string]*object.TreeEntry{}, creates: map[string]bool{}}
	toCommit, err := object.GetCommit(r.Storer, target)
	if err != nil {
		return plan, err
	}
	toTree, err := toCommit.Tree()
	if err != nil {
		return plan, err
	}
	fromTree := &object.Tree{}
	if !head.unborn {
		c, err := object.GetCommit(r.Storer, head.hash)
		if err != nil {
			return plan, err
		}
		if fromTree, err = c.Tree(); err != nil {
			return plan, err
		}
	}
	changes, err := object.DiffTreeWithOptions(ctx, fromTree, toTree, nil)
	if err != nil {
		return plan, err
	}
	for _, ch := range changes {
		a, err := ch.Action()
		if err != nil {
			return plan, err
		}
		for _, name := range []string{ch.From.Name, ch.To.Name} {
			if name != "" && !safePath(name) {
				return plan, fmt.Errorf("refusing to check out unsafe path %q", name)
			}
		}
		switch a {
		case merkletrie.Delete:
			plan.deletes = append(plan.deletes, ch.From.Name)
		case merkletrie.Insert, merkletrie.Modify:
			if ch.From.Name != "" && ch.From.Name != ch.To.Name {
				plan.deletes = append(plan.deletes, ch.From.Name)
			}
			e := ch.To.TreeEntry
			plan.writes[ch.To.Name] = &e
			if a == merkletrie.Insert {
				plan.creates[ch.To.Name] = true
			}
		}
	}
	return plan, nil
}

// safePath rejects tree paths that would escape the work tree or write into
// the repository: remote data decides them.
func safePath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." || strings.EqualFold(part, ".git") {
			return false
		}
	}
	return true
}

// checkLocalChanges refuses the plan when a local change sits on, above or
// below a path it touches, when a conflict is unresolved, or when an
// untracked or ignored file occupies a path it creates.
func checkLocalChanges(r *gogit.Repository, wt *gogit.Worktree, root string, plan ffPlan) error {
	idx, err := r.Storer.Index()
	if err != nil {
		return err
	}
	if conflicts := unmergedPaths(idx); len(conflicts) > 0 {
		lc := &localChangesError{}
		for p := range conflicts {
			lc.paths = append(lc.paths, p+" (unresolved conflict)")
		}
		return lc
	}
	wt.Excludes = extraExcludes(r)
	st, err := wt.Status()
	if err != nil {
		return err
	}
	touched := map[string]bool{} // touched paths
	parents := map[string]bool{} // their ancestor directories
	deleted := map[string]bool{}
	for _, p := range plan.deletes {
		touched[p], deleted[p] = true, true
	}
	for p := range plan.writes {
		touched[p] = true
	}
	for p := range touched {
		for d := path.Dir(p); d != "." && !parents[d]; d = path.Dir(d) {
			parents[d] = true
		}
	}
	lc := &localChangesError{}
	for p, fst := range st {
		if fst.Staging == gogit.Unmodified && fst.Worktree == gogit.Unmodified {
			continue
		}
		if touched[p] || parents[p] {
			lc.paths = append(lc.paths, p)
			continue
		}
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			if touched[d] {
				lc.paths = append(lc.paths, p)
				break
			}
		}
	}
	for p := range plan.creates {
		if blocked, err := occupied(root, p, deleted); err != nil {
			return err
		} else if blocked {
			lc.paths = append(lc.paths, p)
		}
	}
	if len(lc.paths) > 0 {
		return lc
	}
	return nil
}

// occupied reports whether creating the new path p would overwrite
// something that is not a tracked file the plan deletes: a file (ignored
// files count: they may be someone's work), a directory holding such files,
// or a non-directory (or symlink) where p needs a directory.
func occupied(root, p string, deleted map[string]bool) (bool, error) {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(d)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, err
		}
		if !fi.IsDir() && !deleted[d] {
			return true, nil
		}
	}
	full := filepath.Join(root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		// ENOTDIR: a parent is a tracked file the plan deletes (checked
		// above), so nothing is at p.
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.IsDir() {
		return true, nil
	}
	// A tracked directory that becomes a file: fine only if every file in
	// it is tracked and deleted by the plan.
	blocked := false
	err = filepath.WalkDir(full, func(q string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, q)
		if err != nil {
			return err
		}
		if !deleted[filepath.ToSlash(rel)] {
			blocked = true
			return filepath.SkipAll
		}
		return nil
	})
	return blocked, err
}

// applyPlan rewrites the work tree and the index entries of the planned
// paths. Deletions come first so a file can replace a directory and back.
func applyPlan(r *gogit.Repository, root string, idx *index.Index, plan ffPlan) error {
	drop := map[string]bool{}
	for _, p := range plan.deletes {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", p, err)
		}
		removeEmptyParents(root, p)
		drop[p] = true
	}
	names := make([]string, 0, len(plan.writes))
	for p := range plan.writes {
		names = append(names, p)
		drop[p] = true
	}
	sort.Strings(names)
	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if !drop[e.Name] {
			kept = append(kept, e)
		}
	}
	idx.Entries = kept
	for _, p := range names {
		e, err := writePath(r, root, p, plan.writes[p])
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		idx.Entries = append(idx.Entries, e)
	}
	return nil
}

// removeEmptyParents removes the directories above p that are now empty,
// as git does when it deletes a file.
func removeEmptyParents(root, p string) {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		if os.Remove(filepath.Join(root, filepath.FromSlash(d))) != nil {
			return // not empty (or gone): stop
		}
	}
}

// writePath puts one tree entry into the work tree and returns its index
// entry. Files are written to a temporary sibling and renamed into place,
// so a reader never sees half a file.
func writePath(r *gogit.Repository, root, p string, te *object.TreeEntry) (*index.Entry, error) {
	full := filepath.Join(root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		return nil, err
	}
	e := &index.Entry{Name: p, Hash: te.Hash, Mode: te.Mode}
	if te.Mode == filemode.Submodule {
		// A gitlink: git creates the empty directory and leaves the
		// submodule itself alone.
		if err := os.MkdirAll(full, 0o777); err != nil {
			return nil, err
		}
		return e, nil
	}
	blob, err := r.BlobObject(te.Hash)
	if err != nil {
		return nil, err
	}
	rd, err := blob.Reader()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rd.Close() }()
	if err := removeIfNotDir(full); err != nil {
		return nil, err
	}
	if te.Mode == filemode.Symlink {
		target, err := io.ReadAll(rd)
		if err != nil {
			return nil, err
		}
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if err := os.Symlink(string(target), full); err != nil {
			return nil, err
		}
	} else if err := writeFile(full, rd, te.Mode == filemode.Executable); err != nil {
		return nil, err
	}
	fi, err := os.Lstat(full)
	if err != nil {
		return nil, err
	}
	e.Size = uint32(fi.Size())
	e.ModifiedAt = fi.ModTime()
	fillStat(e, fi)
	return e, nil
}

// removeIfNotDir clears the way for a file or symlink at full. A directory
// there was emptied by the plan's deletions; os.Remove fails loudly if not.
func removeIfNotDir(full string) error {
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return os.Remove(full)
	}
	return nil // a file is replaced atomically by rename; a symlink below
}

func writeFile(full string, rd io.Reader, exec bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(full), ".mgit-ff-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = io.Copy(tmp, rd)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	perm := os.FileMode(0o644)
	if exec {
		perm = 0o755
	}
	if err == nil {
		err = os.Chmod(name, perm)
	}
	if err == nil {
		err = os.Rename(name, full)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}

// locked reports an index.lock: a git process is changing the index, and
// go-git writes the index without taking that lock.
func locked(r *gogit.Repository) bool {
	fsys, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return false
	}
	_, err := fsys.Filesystem().Stat("index.lock")
	return err == nil
}
