package gogit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"syscall"
)

// wtTx changes a work tree so that it can be put back exactly as it was
// until the caller commits. New contents are first written whole into a
// transaction directory at the top of the work tree (same file system, so
// every later step is a rename); every file or directory the change
// replaces or removes is moved into that directory too, not deleted.
//
// Each step is written to a journal in that directory before it is taken,
// so that the same undo runs in this process after a failure and in the
// next one after a crash (see recoverUpdates): the transaction directory,
// named .mgit-ff-*, holds the replaced files and the journal until then,
// and git status shows it (nothing is lost, nothing is hidden).
type wtTx struct {
	root    string
	dir     string
	n       int
	journal *journal
	steps   []txStep
}

// txStep is one journaled change of the work tree. Its inverse tolerates
// a step that was journaled but not taken (the process died in between).
type txStep struct {
	op   string // "aside", "rmdir", "mkdir", "new"
	path string // the work-tree path, slash-separated
	aux  string // "aside": the backup's name in the directory; "rmdir": the mode
}

func newWTTx(root string, head journalHead) (*wtTx, error) {
	dir, err := os.MkdirTemp(root, txPrefix)
	if err != nil {
		return nil, fmt.Errorf("create the transaction directory: %w", err)
	}
	j, err := createJournal(dir, head)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return &wtTx{root: root, dir: dir, journal: j}, nil
}

func (t *wtTx) full(p string) string { return filepath.Join(t.root, filepath.FromSlash(p)) }

// tempName is a fresh name inside the transaction directory.
func (t *wtTx) tempName(kind string) string {
	t.n++
	return filepath.Join(t.dir, kind+"-"+strconv.Itoa(t.n))
}

// step journals s before the caller takes it.
func (t *wtTx) step(s txStep) error {
	if err := t.journal.add(s); err != nil {
		return err
	}
	t.steps = append(t.steps, s)
	return nil
}

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
	if err := t.step(txStep{op: "aside", path: p, aux: filepath.Base(backup)}); err != nil {
		return err
	}
	if err := os.Rename(full, backup); err != nil {
		return fmt.Errorf("move %s aside: %w", p, err)
	}
	return nil
}

// removeEmptyParents removes the directories above p that are now empty,
// as git does when it deletes a file; an undo recreates each with its old
// permissions.
func (t *wtTx) removeEmptyParents(p string) error {
	for d := path.Dir(p); d != "."; d = path.Dir(d) {
		full := t.full(d)
		fi, err := os.Lstat(full)
		if err != nil || !fi.IsDir() {
			return nil
		}
		if ents, err := os.ReadDir(full); err != nil || len(ents) > 0 {
			return nil // not empty: stop
		}
		if err := t.step(txStep{op: "rmdir", path: d, aux: strconv.FormatUint(uint64(fi.Mode().Perm()), 8)}); err != nil {
			return err
		}
		if err := os.Remove(full); err != nil {
			return nil
		}
	}
	return nil
}

// mkdirs creates the missing directories above p, as git does, with mode
// 0777 less the umask.
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
		if err := t.mkdir(missing[i]); err != nil {
			return err
		}
	}
	return nil
}

func (t *wtTx) mkdir(d string) error {
	if err := t.step(txStep{op: "mkdir", path: d}); err != nil {
		return err
	}
	if err := os.Mkdir(t.full(d), 0o777); err != nil {
		return fmt.Errorf("create directory %s: %w", d, err)
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
	if err := t.step(txStep{op: "new", path: p}); err != nil {
		return err
	}
	if err := os.Rename(tmp, t.full(p)); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// placeDir creates the empty directory of a submodule (a gitlink), as git
// does without checking the submodule out.
func (t *wtTx) placeDir(p string) error {
	if fi, err := os.Lstat(t.full(p)); err == nil && fi.IsDir() {
		return nil
	}
	if err := t.moveAside(p); err != nil {
		return err
	}
	if err := t.mkdirs(p); err != nil {
		return err
	}
	return t.mkdir(p)
}

// rollback undoes every step, newest first, and removes the transaction
// directory. When a step cannot be undone the directory is kept (it holds
// the files not yet put back) and the error says where it is.
func (t *wtTx) rollback() error {
	err := undoSteps(t.root, t.dir, t.steps)
	t.steps = nil
	_ = t.journal.close()
	if err != nil {
		return fmt.Errorf("could not restore the work tree completely; the replaced files are in %s: %w", t.dir, err)
	}
	return os.RemoveAll(t.dir)
}

// commit deletes the replaced files and the journal.
func (t *wtTx) commit() error {
	t.steps = nil
	_ = t.journal.close()
	return os.RemoveAll(t.dir)
}

// undoSteps takes back steps, newest first. A step that was journaled but
// never taken leaves nothing to undo (a missing backup, an existing
// directory), which is not an error.
func undoSteps(root, dir string, steps []txStep) error {
	var errs []error
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		full := filepath.Join(root, filepath.FromSlash(s.path))
		var err error
		switch s.op {
		case "aside":
			err = os.Rename(filepath.Join(dir, s.aux), full)
		case "rmdir":
			perm, perr := strconv.ParseUint(s.aux, 8, 32)
			if perr != nil {
				perm = 0o777
			}
			if err = os.Mkdir(full, os.FileMode(perm)); err == nil {
				err = os.Chmod(full, os.FileMode(perm))
			}
		case "mkdir", "new":
			err = os.Remove(full)
		default:
			err = fmt.Errorf("unknown step %q", s.op)
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrExist) && !errors.Is(err, syscall.ENOTEMPTY) {
			errs = append(errs, fmt.Errorf("undo %s %s: %w", s.op, s.path, err))
		}
	}
	return errors.Join(errs...)
}
