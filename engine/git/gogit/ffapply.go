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
	"time"

	"github.com/go-git/go-billy/v5"
	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Fault points, in the order an update reaches them. Tests make a step
// fail there (Backend.faults) to prove the update is all-or-nothing.
const (
	faultStaged = "staged" // every new file is written into the transaction directory
	faultPlaced = "placed" // the work tree holds the new files
	faultIndex  = "index"  // the new index is written to index.lock
	faultRefs   = "refs"   // the new index is in place, the refs not yet moved
	faultDone   = "done"   // the refs moved; only the leftovers remain
)

func (b *Backend) fault(step string) error {
	if b == nil || b.faults == nil {
		return nil
	}
	return b.faults(step)
}

// pendingWrite is one path the update writes, decided before anything is
// touched.
type pendingWrite struct {
	path   string
	entry  *object.TreeEntry
	eol    eolMode
	asFile bool   // a symlink written as a plain file (core.symlinks=false)
	staged string // the new content's name in the transaction directory
}

// updateTo moves the work tree and the index from head's commit to target
// and then calls moveRefs, all or nothing: everything is decided and every
// local change checked first, the index is locked (index.lock, as git
// does) for the whole update, and until moveRefs succeeds each step can be
// undone. When any step fails, HEAD, the index and the work tree are left
// as they were, so the next attempt starts clean.
//
// fresh is for a new clone, whose empty work tree and index have nothing to
// check (go-git's status would call every file of HEAD a staged deletion).
func (b *Backend) updateTo(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash, fresh bool, moveRefs func() error) error {
	if !head.unborn && head.hash == target {
		return moveRefs() // same commit: index and work tree stay as they are
	}
	u, err := prepareUpdate(ctx, r, head, target, fresh)
	if err != nil {
		return err
	}
	defer u.lock.release()
	if err := ctx.Err(); err != nil {
		return err
	}
	// From here on nothing checks ctx: the update is local and short, and
	// it either completes or is undone.
	gitfs := u.fsys.Filesystem()
	jh, err := journalStart(r, gitfs)
	if err != nil {
		return err
	}
	valid, err := assumedValid(jh.index)
	if err != nil {
		return fmt.Errorf("read the index flags: %w", err)
	}
	tx, err := newWTTx(u.root, jh)
	if err != nil {
		return err
	}
	if err := b.apply(u, tx, valid, moveRefs); err != nil {
		if rerr := restoreIndex(gitfs, u.lock, jh.index); rerr != nil {
			err = errors.Join(err, rerr)
		}
		if rerr := tx.rollback(); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return err
	}
	return tx.commit()
}

// update is a decided work-tree update, holding index.lock.
type update struct {
	root   string
	fsys   *filesystem.Storage
	lock   *indexLock
	idx    *index.Index
	plan   ffPlan
	writes []*pendingWrite
}

// prepareUpdate plans the update, takes index.lock, checks local changes
// (unless fresh) and decides every write; nothing is changed yet.
func prepareUpdate(ctx context.Context, r *gogit.Repository, head headInfo, target plumbing.Hash, fresh bool) (*update, error) {
	wt, err := r.Worktree()
	if err != nil {
		return nil, err
	}
	u := &update{root: wt.Filesystem.Root()}
	var ok bool
	if u.fsys, ok = r.Storer.(*filesystem.Storage); !ok {
		return nil, errors.New("the go-git backend updates only repositories on disk")
	}
	if u.plan, err = planFastForward(ctx, r, head, target); err != nil {
		return nil, err
	}
	if err := recoverUpdates(r, u.root, u.fsys.Filesystem()); err != nil {
		return nil, err
	}
	if u.lock, err = lockIndex(u.fsys.Filesystem()); err != nil {
		return nil, err
	}
	if err := u.decide(r, wt, fresh); err != nil {
		u.lock.release()
		return nil, err
	}
	return u, nil
}

func (u *update) decide(r *gogit.Repository, wt *gogit.Worktree, fresh bool) error {
	var err error
	if u.idx, err = r.Storer.Index(); err != nil {
		return err
	}
	env, err := loadCheckoutEnv(r)
	if err != nil {
		return err
	}
	if !fresh {
		var indexTime time.Time
		if fi, err := u.fsys.Filesystem().Stat("index"); err == nil {
			indexTime = fi.ModTime()
		}
		same, err := newWTVerifier(r, u.root, u.idx, env, indexTime)
		if err != nil {
			return err
		}
		if err := checkLocalChanges(r, wt, u.root, u.plan, same); err != nil {
			return err
		}
	}
	u.writes, err = prepareWrites(r, u.root, u.idx, env, u.plan)
	return err
}

// apply does the update inside the transaction; any error leaves the undo
// to the caller.
func (b *Backend) apply(u *update, tx *wtTx, valid map[string]bool, moveRefs func() error) error {
	idx, plan, writes, lock := u.idx, u.plan, u.writes, u.lock
	store := streamingStore(u.fsys)
	for _, w := range writes {
		if err := stage(store, tx, w); err != nil {
			return fmt.Errorf("write %s: %w", w.path, err)
		}
	}
	if err := b.fault(faultStaged); err != nil {
		return err
	}
	deletes := append([]string{}, plan.deletes...)
	sort.Strings(deletes)
	for _, p := range deletes {
		if err := tx.moveAside(p); err != nil {
			return err
		}
		if err := tx.removeEmptyParents(p); err != nil {
			return err
		}
	}
	drop := map[string]bool{}
	for _, p := range deletes {
		drop[p] = true
	}
	var entries []*index.Entry
	for _, w := range writes {
		drop[w.path] = true
		e, err := place(tx, w)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	if err := b.fault(faultPlaced); err != nil {
		return err
	}
	kept := make([]*index.Entry, 0, len(idx.Entries)+len(entries))
	for _, e := range idx.Entries {
		if !drop[e.Name] {
			kept = append(kept, e)
		}
	}
	idx.Entries = append(kept, entries...)
	idx.Cache = nil // the cached trees describe the old tree
	for p := range drop {
		delete(valid, p) // a rewritten path starts afresh, as in git
	}
	if err := lock.write(idx, valid); err != nil {
		return err
	}
	if err := b.fault(faultIndex); err != nil {
		return err
	}
	if err := lock.commit(); err != nil {
		return err
	}
	if err := b.fault(faultRefs); err != nil {
		return err
	}
	if err := moveRefs(); err != nil {
		return err
	}
	// The update is complete: a failure here must not undo it. Tests stop
	// the process at this point to see a crash after the commit.
	_ = b.fault(faultDone)
	return nil
}

// prepareWrites decides how every new path is written, refusing (before
// anything changes) what the go-git backend cannot write as git would.
func prepareWrites(r *gogit.Repository, root string, idx *index.Index, env *checkoutEnv, plan ffPlan) ([]*pendingWrite, error) {
	touched := map[string]bool{}
	for _, p := range plan.deletes {
		touched[p] = true
	}
	for p := range plan.writes {
		touched[p] = true
	}
	for _, e := range idx.Entries {
		if touched[e.Name] && e.SkipWorktree {
			return nil, &cannotCheckoutError{path: e.Name, what: "a sparse checkout (the path is marked skip-worktree)"}
		}
	}
	stack, err := newAttrStack(env.outer, env.info, attrTree(r, root, idx, plan))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(plan.writes))
	for p := range plan.writes {
		names = append(names, p)
	}
	sort.Strings(names)
	writes := make([]*pendingWrite, 0, len(names))
	for _, p := range names {
		te := plan.writes[p]
		w := &pendingWrite{path: p, entry: te}
		switch te.Mode {
		case filemode.Submodule:
		case filemode.Symlink:
			// git writes the link text as it is, without conversion.
			w.asFile = !env.conf.symlinks
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
			attrs, err := stack.lookup(p)
			if err != nil {
				return nil, err
			}
			if w.eol, err = env.conf.decide(p, attrs); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("check out %s: unknown file mode %v", p, te.Mode)
		}
		writes = append(writes, w)
	}
	return writes, nil
}

// attrTree returns the in-tree .gitattributes of a directory as git sees
// it during a checkout: from the index the update produces, else from the
// work tree (an untracked file counts, one the update deletes does not).
func attrTree(r *gogit.Repository, root string, idx *index.Index, plan ffPlan) func(string) (*attrFile, error) {
	inIndex := map[string]plumbing.Hash{}
	deleted := map[string]bool{}
	for _, p := range plan.deletes {
		deleted[p] = true
	}
	for _, e := range idx.Entries {
		if path.Base(e.Name) == ".gitattributes" && !deleted[e.Name] && e.Stage == 0 {
			inIndex[e.Name] = e.Hash
		}
	}
	for p, te := range plan.writes {
		if path.Base(p) == ".gitattributes" {
			inIndex[p] = te.Hash
		}
	}
	cache := map[string]*attrFile{}
	return func(dir string) (*attrFile, error) {
		if f, ok := cache[dir]; ok {
			return f, nil
		}
		name := path.Join(dir, ".gitattributes")
		var data []byte
		if h, ok := inIndex[name]; ok {
			// git 2.39 reads the blob whatever its mode: the text of a
			// symlink is parsed as attributes.
			blob, err := r.BlobObject(h)
			if err != nil {
				return nil, err
			}
			rd, err := blob.Reader()
			if err != nil {
				return nil, err
			}
			data, err = io.ReadAll(io.LimitReader(rd, 100<<20))
			_ = rd.Close()
			if err != nil {
				return nil, err
			}
		} else if !deleted[name] {
			full := filepath.Join(root, filepath.FromSlash(name))
			if fi, err := os.Lstat(full); err == nil && fi.Mode().IsRegular() {
				if data, err = os.ReadFile(full); err != nil {
					return nil, err
				}
			}
		}
		var f *attrFile
		if data != nil {
			pf := parseAttrs(data, dir, dir == "")
			f = &pf
		}
		cache[dir] = f
		return f, nil
	}
}

// readOptional reads a file of the git directory; a missing one is nil.
func readOptional(gitfs billy.Filesystem, name string) ([]byte, error) {
	f, err := gitfs.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return io.ReadAll(f)
}

// journalStart records what a crash recovery needs: HEAD, the identity of
// the index.lock just taken, and the index as it is.
func journalStart(r *gogit.Repository, gitfs billy.Filesystem) (journalHead, error) {
	var h journalHead
	var err error
	if h.head, h.resolved, err = headState(r); err != nil {
		return h, err
	}
	fi, err := gitfs.Lstat("index.lock")
	if err != nil {
		return h, err
	}
	h.lockDev, h.lockIno = fileIdentity(fi)
	h.index, err = readOptional(gitfs, "index")
	return h, err
}
