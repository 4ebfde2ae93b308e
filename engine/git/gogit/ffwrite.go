package gogit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// largeObject is the size above which a blob is streamed from its pack or
// loose file instead of being read into memory whole. go-git still builds
// a deltified blob in memory (its base and the result).
const largeObject = 1 << 20

// streamingStore opens the object store of fsys a second time with
// go-git's large-object threshold set, so that writing a big file costs a
// buffer, not the file's size. The repository's own store keeps its
// defaults for everything else.
func streamingStore(fsys *filesystem.Storage) storer.EncodedObjectStorer {
	return filesystem.NewStorageWithOptions(fsys.Filesystem(), cache.NewObjectLRU(16*cache.MiByte),
		filesystem.Options{LargeObjectThreshold: largeObject})
}

// stage writes the new content of w into the transaction directory: a
// symlink, or a file created with mode 0666 (0777 when executable) so that
// the process umask applies exactly as it does to git's open(2).
func stage(store storer.EncodedObjectStorer, tx *wtTx, w *pendingWrite) error {
	if w.entry.Mode == filemode.Submodule {
		return nil
	}
	obj, err := store.EncodedObject(plumbing.BlobObject, w.entry.Hash)
	if err != nil {
		return err
	}
	rd, err := obj.Reader()
	if err != nil {
		return err
	}
	defer func() { _ = rd.Close() }()
	w.staged = tx.tempName("new")
	if w.entry.Mode == filemode.Symlink && !w.asFile {
		target, err := io.ReadAll(io.LimitReader(rd, 1<<16))
		if err != nil {
			return err
		}
		return os.Symlink(string(target), w.staged)
	}
	perm := os.FileMode(0o666)
	if w.entry.Mode == filemode.Executable {
		perm = 0o777
	}
	f, err := os.OpenFile(w.staged, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	err = writeContent(f, obj, rd, w.eol)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeContent copies the blob into f with the end-of-line conversion
// decided for it. Auto conversion needs the whole content's statistics
// first, so the blob is copied as it is while they are gathered, and
// rewritten converted only when git would convert it.
func writeContent(f *os.File, obj plumbing.EncodedObject, rd io.Reader, mode eolMode) error {
	switch mode {
	case eolToCRLF:
		_, err := io.Copy(&crlfWriter{w: f}, rd)
		return err
	case eolAutoCRLF:
		var st textStats
		if _, err := io.Copy(io.MultiWriter(f, &st), rd); err != nil {
			return err
		}
		st.finish()
		if !st.autoConverts() {
			return nil
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if err := f.Truncate(0); err != nil {
			return err
		}
		again, err := obj.Reader()
		if err != nil {
			return err
		}
		defer func() { _ = again.Close() }()
		_, err = io.Copy(&crlfWriter{w: f}, again)
		return err
	}
	_, err := io.Copy(f, rd)
	return err
}

// place moves w's staged content into the work tree and returns its index
// entry, with the stat data git compares to know the file is unchanged.
func place(tx *wtTx, w *pendingWrite) (*index.Entry, error) {
	e := &index.Entry{Name: w.path, Hash: w.entry.Hash, Mode: w.entry.Mode}
	if e.Mode == filemode.Deprecated {
		e.Mode = filemode.Regular // git stores 100664 as 100644
	}
	if w.entry.Mode == filemode.Submodule {
		return e, tx.placeDir(w.path)
	}
	if err := tx.place(w.path, w.staged); err != nil {
		return nil, err
	}
	fi, err := os.Lstat(tx.full(w.path))
	if err != nil {
		return nil, err
	}
	e.Size = uint32(fi.Size())
	e.ModifiedAt = fi.ModTime()
	fillStat(e, fi)
	return e, nil
}

// indexLock is git's index.lock: created exclusively, so that no git
// process changes the index while the update runs, then renamed over the
// index (the index is replaced whole or not at all).
type indexLock struct {
	gitfs     billy.Filesystem
	f         billy.File
	committed bool
}

const errIndexLocked = "another git process holds the index (.git/index.lock exists); try again later, or remove the file if no git process is running"

func lockIndex(gitfs billy.Filesystem) (*indexLock, error) {
	f, err := gitfs.OpenFile("index.lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return nil, errors.New(errIndexLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("lock the index: %w", err)
	}
	return &indexLock{gitfs: gitfs, f: f}, nil
}

// write encodes idx into the lock file, with git's assume-valid bit set
// on the entries named in valid.
func (l *indexLock) write(idx *index.Index, valid map[string]bool) error {
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	if err := setAssumedValid(buf.Bytes(), valid); err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	_, err := l.f.Write(buf.Bytes())
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	if err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	return nil
}

// commit renames the lock file over the index.
func (l *indexLock) commit() error {
	if err := l.gitfs.Rename("index.lock", "index"); err != nil {
		return fmt.Errorf("write the index: %w", err)
	}
	l.committed = true
	return nil
}

// release removes the lock file unless it became the index.
func (l *indexLock) release() {
	if l.f != nil {
		_ = l.f.Close()
		l.f = nil
	}
	if !l.committed {
		_ = l.gitfs.Remove("index.lock")
	}
}

// restoreIndex puts the old index back after the new one was committed
// (nil old: there was no index). Before that there is nothing to undo.
func restoreIndex(gitfs billy.Filesystem, l *indexLock, old []byte) error {
	if !l.committed {
		return nil
	}
	return replaceIndex(gitfs, old)
}

// replaceIndex makes the index old (nil: no index) through index.lock.
func replaceIndex(gitfs billy.Filesystem, old []byte) error {
	if old == nil {
		if err := gitfs.Remove("index"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore the index: %w", err)
		}
		return nil
	}
	f, err := gitfs.OpenFile("index.lock", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return fmt.Errorf("restore the index: %w", err)
	}
	_, err = f.Write(old)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = gitfs.Rename("index.lock", "index")
	}
	if err != nil {
		_ = gitfs.Remove("index.lock")
		return fmt.Errorf("restore the index: %w", err)
	}
	return nil
}
