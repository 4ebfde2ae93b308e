package gogit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
)

// wtTx changes a work tree so that it can be put back exactly as it was
// until the caller commits. New contents are first written whole into a
// transaction directory at the top of the work tree (same file system, so
// every later step is a rename); every file or directory the change
// replaces or removes is moved into that directory too, not deleted. Each
// step records its inverse; rollback runs them backwards.
//
// The transaction directory is named .mgit-ff-*: if the process is killed
// half-way it is left in the work tree, where git status shows it, holding
// the replaced files (nothing is lost).
type wtTx struct {
	root string
	dir  string
	n    int
	undo []undoStep
}

type undoStep struct {
	what string
	fn   func() error
}

func newWTTx(root string) (*wtTx, error) {
	dir, err := os.MkdirTemp(root, ".mgit-ff-")
	if err != nil {
		return nil, fmt.Errorf("create the transaction directory: %w", err)
	}
	return &wtTx{root: root, dir: dir}, nil
}

func (t *wtTx) full(p string) string { return filepath.Join(t.root, filepath.FromSlash(p)) }

// tempName is a fresh name inside the transaction directory.
func (t *wtTx) tempName(kind string) string {
	t.n++
	return filepath.Join(t.dir, kind+"-"+strconv.Itoa(t.n))
}

func (t *wtTx) record(what string, fn func() error) { t.undo = append(t.undo, undoStep{what, fn}) }

// moveAside moves whatever is at p (a file, a symlink or a directory) into
// the transaction directory. It is a no-op when nothing is there.
func (t *wtTx) moveAside(p string) error {
	full := t.full(p)
	if _, err := os.Lstat(full); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	backup := t.tempName("old")
	if err := os.Rename(full, backup); err != nil {
		return fmt.Errorf("move %s aside: %w", p, err)
	}
	t.record("put back "+p, func() error { return os.Rename(backup, full) })
	return nil
}

// removeEmptyParents removes the directories above p that are now empty,
// as git does when it deletes a file; each is recreated by a rollback with
// its old permissions.
func (t *wtTx) removeEmptyParents(p string) {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		full := t.full(d)
		fi, err := os.Lstat(full)
		if err != nil || !fi.IsDir() || os.Remove(full) != nil {
			return // not empty (or gone): stop
		}
		perm := fi.Mode().Perm()
		t.record("recreate "+d, func() error {
			if err := os.Mkdir(full, perm); err != nil {
				return err
			}
			return os.Chmod(full, perm)
		})
	}
}

// mkdirs creates the missing directories above p, as git does, with mode
// 0777 less the umask; a rollback removes them.
func (t *wtTx) mkdirs(p string) error {
	var missing []string
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		fi, err := os.Lstat(t.full(d))
		if err == nil && fi.IsDir() {
			break
		}
		if err == nil {
			return fmt.Errorf("create directory %s: a file is in the way", d)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		full := t.full(missing[i])
		if err := os.Mkdir(full, 0o777); err != nil {
			return fmt.Errorf("create directory %s: %w", missing[i], err)
		}
		t.record("remove new directory "+missing[i], func() error { return os.Remove(full) })
	}
	return nil
}

// place renames the staged file tmp to p, moving aside what was there.
func (t *wtTx) place(p, tmp string) error {
	if err := t.moveAside(p); err != nil {
		return err
	}
	if err := t.mkdirs(p); err != nil {
		return err
	}
	full := t.full(p)
	if err := os.Rename(tmp, full); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	t.record("remove new "+p, func() error { return os.Remove(full) })
	return nil
}

// placeDir creates the empty directory of a submodule (a gitlink), as git
// does without checking the submodule out.
func (t *wtTx) placeDir(p string) error {
	full := t.full(p)
	if fi, err := os.Lstat(full); err == nil && fi.IsDir() {
		return nil
	}
	if err := t.moveAside(p); err != nil {
		return err
	}
	if err := t.mkdirs(p); err != nil {
		return err
	}
	if err := os.Mkdir(full, 0o777); err != nil {
		return fmt.Errorf("create directory %s: %w", p, err)
	}
	t.record("remove new directory "+p, func() error { return os.Remove(full) })
	return nil
}

// rollback undoes every recorded step, newest first. When a step fails the
// transaction directory is kept (it holds the files not yet put back) and
// the error says where it is.
func (t *wtTx) rollback() error {
	var errs []error
	for i := len(t.undo) - 1; i >= 0; i-- {
		if err := t.undo[i].fn(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.undo[i].what, err))
		}
	}
	t.undo = nil
	if len(errs) > 0 {
		return fmt.Errorf("could not restore the work tree completely; the replaced files are in %s: %w", t.dir, errors.Join(errs...))
	}
	return os.RemoveAll(t.dir)
}

// commit forgets the undo steps and deletes the replaced files.
func (t *wtTx) commit() error {
	t.undo = nil
	return os.RemoveAll(t.dir)
}
