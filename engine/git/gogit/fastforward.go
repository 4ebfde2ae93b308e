package gogit

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"

	"github.com/mgit-dev/mgit/engine/git"
)

// localChangesError lists the paths that block a fast-forward.
type localChangesError struct {
	paths   []string
	ignored []string // ignored files in the way (no other local change)
}

// detail is the message of the refusal: git.IgnoredBlockedDetail when
// only ignored files are in the way, else blocked (the op's wording) of
// every path.
func (e *localChangesError) detail(blocked func([]string) string) string {
	if len(e.paths) == 0 {
		return git.IgnoredBlockedDetail(e.ignored)
	}
	return blocked(append(e.paths[:len(e.paths):len(e.paths)], e.ignored...))
}

func (e *localChangesError) Error() string {
	return e.detail(ffBlocked)
}

// ffBlocked names the paths that block a fast-forward.
func ffBlocked(paths []string) string {
	paths = slices.Clone(paths)
	sort.Strings(paths)
	paths = slices.Compact(paths) // a path can block for two reasons
	const show = 3
	p := paths
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
//
// go-git's status compares raw bytes, so it calls a file modified that git
// calls clean when the file was written with CRLF conversion or as a plain
// file for a symlink (core.symlinks=false); such a report is checked again
// by same, which compares as git does.
func checkLocalChanges(r *gogit.Repository, wt *gogit.Worktree, root string, plan ffPlan, same *wtVerifier) error {
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
	// git cleans files with the work tree's attributes, same with the
	// index's: when they differ, trust go-git's stricter byte compare.
	gitStyle := same != nil && !attributesChanged(st, same)
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
		if fst.Staging == gogit.Unmodified && fst.Worktree == gogit.Modified && gitStyle {
			if ok, err := same.unchanged(p); err != nil {
				return err
			} else if ok {
				continue
			}
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
	// go-git trusts an entry whose stat data match; git does not when the
	// file may have changed in the same instant the index was written
	// ("racily clean"), and reads it.
	for p := range touched {
		if _, flagged := st[p]; flagged || same == nil || !same.racy(p) {
			continue
		}
		if ok, err := same.unchangedAs(p, gitStyle); err != nil {
			return err
		} else if !ok {
			lc.paths = append(lc.paths, p)
		}
	}
	if err := blockedCreates(root, plan, deleted, st, idx, lc); err != nil {
		return err
	}
	if len(lc.paths) > 0 || len(lc.ignored) > 0 {
		return lc
	}
	return nil
}

// blockedCreates adds to lc what stands on the paths the plan creates: an
// ignored file by its own name (lc.ignored), anything else by the path.
func blockedCreates(root string, plan ffPlan, deleted map[string]bool, st gogit.Status, idx *index.Index, lc *localChangesError) error {
	for p := range plan.creates {
		in, err := occupants(root, p, deleted)
		if err != nil {
			return err
		}
		for _, o := range in {
			// Neither tracked nor untracked in go-git's status: ignored.
			fst, listed := st[o]
			if _, err := idx.Entry(o); err != nil && (!listed || fst.Staging != gogit.Untracked) {
				lc.ignored = append(lc.ignored, o)
			} else {
				lc.paths = append(lc.paths, p)
			}
		}
	}
	return nil
}

// occupants lists what creating the new path p would overwrite that is
// not a tracked file the plan deletes: a file at p (ignored files count:
// they may be someone's work), the files of a directory at p, or a
// non-directory (or symlink) where p needs a directory. Empty: p is free.
func occupants(root, p string, deleted map[string]bool) ([]string, error) {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(d)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() && !deleted[d] {
			return []string{d}, nil
		}
	}
	full := filepath.Join(root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		// ENOTDIR: a parent is a tracked file the plan deletes (checked
		// above), so nothing is at p.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{p}, nil
	}
	// A tracked directory that becomes a file: fine only if every file in
	// it is tracked and deleted by the plan.
	var in []string
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
		if rel = filepath.ToSlash(rel); !deleted[rel] {
			in = append(in, rel)
		}
		return nil
	})
	return in, err
}

// attributesChanged reports a tracked .gitattributes whose work-tree
// content git would not call unchanged.
func attributesChanged(st gogit.Status, same *wtVerifier) bool {
	for p, fst := range st {
		if path.Base(p) != ".gitattributes" || fst.Staging == gogit.Untracked {
			continue
		}
		switch {
		case fst.Staging == gogit.Unmodified && fst.Worktree == gogit.Unmodified:
		case fst.Staging == gogit.Unmodified && fst.Worktree == gogit.Modified:
			if ok, err := same.unchanged(p); err != nil || !ok {
				return true
			}
		default:
			return true
		}
	}
	return false
}
