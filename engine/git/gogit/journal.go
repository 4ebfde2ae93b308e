package gogit

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-billy/v5"
	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// txPrefix names transaction directories at the top of a work tree.
const txPrefix = ".mgit-ff-"

// journalHead is what an update records before it changes anything: HEAD
// as it was (to know afterwards whether the refs moved), the identity of
// the index.lock it holds (to know a stale lock for its own), and the old
// index, kept beside the journal as index.old.
type journalHead struct {
	head     string // HEAD as stored: "ref: refs/heads/x" or a commit ID
	resolved string // the commit HEAD resolved to, "" when unborn
	lockDev  uint64
	lockIno  uint64
	index    []byte // nil: there was no index
}

// journal is the write-ahead log of one wtTx, locked (flock) by the
// process that writes it for as long as it runs.
type journal struct{ f *os.File }

func createJournal(dir string, h journalHead) (*journal, error) {
	if h.index != nil {
		if err := os.WriteFile(filepath.Join(dir, "index.old"), h.index, 0o600); err != nil {
			return nil, fmt.Errorf("save the old index: %w", err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "journal"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create the update journal: %w", err)
	}
	if ok, err := tryLock(f); !ok {
		_ = f.Close()
		return nil, fmt.Errorf("lock the update journal: %w", err)
	}
	index := "none"
	if h.index != nil {
		index = "saved"
	}
	_, err = fmt.Fprintf(f, "mgit-ff 1\nhead %s %s\nlock %d %d\nindex %s\n",
		strconv.Quote(h.head), strconv.Quote(h.resolved), h.lockDev, h.lockIno, index)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("write the update journal: %w", err)
	}
	return &journal{f: f}, nil
}

func (j *journal) add(s txStep) error {
	_, err := fmt.Fprintf(j.f, "step %s %s %s\n", s.op, strconv.Quote(s.path), strconv.Quote(s.aux))
	if err != nil {
		return fmt.Errorf("write the update journal: %w", err)
	}
	return nil
}

func (j *journal) close() error { return j.f.Close() }

// readJournal parses a journal written by createJournal and add.
func readJournal(r io.Reader) (journalHead, []txStep, error) {
	var h journalHead
	var steps []txStep
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			if line != "mgit-ff 1" {
				return h, nil, fmt.Errorf("unknown journal format %q", line)
			}
			first = false
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		var err error
		switch kind {
		case "head":
			var f []string
			if f, err = unquoteFields(rest, 2); err == nil {
				h.head, h.resolved = f[0], f[1]
			}
		case "lock":
			_, err = fmt.Sscanf(rest, "%d %d", &h.lockDev, &h.lockIno)
		case "index":
			if rest == "saved" {
				h.index = []byte{} // read from index.old by the caller
			}
		case "step":
			op, args, _ := strings.Cut(rest, " ")
			var f []string
			if f, err = unquoteFields(args, 2); err == nil {
				steps = append(steps, txStep{op: op, path: f[0], aux: f[1]})
			}
		default:
			err = fmt.Errorf("unknown journal line %q", line)
		}
		if err != nil {
			// A line cut short by a crash can only be the last one, and
			// its step was never taken.
			break
		}
	}
	return h, steps, sc.Err()
}

func unquoteFields(s string, n int) ([]string, error) {
	var out []string
	for i := 0; i < n; i++ {
		s = strings.TrimLeft(s, " ")
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, err
		}
		v, err := strconv.Unquote(q)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		s = s[len(q):]
	}
	return out, nil
}

// headState reads HEAD as a journal records it.
func headState(r *gogit.Repository) (head, resolved string, err error) {
	ref, err := r.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return "", "", err
	}
	if ref.Type() == plumbing.SymbolicReference {
		head = "ref: " + string(ref.Target())
	} else {
		head = ref.Hash().String()
	}
	res, err := r.Reference(plumbing.HEAD, true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		return head, "", nil
	case err != nil:
		return "", "", err
	}
	return head, res.Hash().String(), nil
}

// recoverUpdates finishes the updates of this work tree that a dead
// process left half-way (kill -9, power loss of the container): when the
// refs had not moved, the work tree and the index are put back as the
// journal says they were; when they had, the update was complete and only
// its leftovers go. An update whose process still runs (it holds the
// journal's lock) is refused, never touched.
func recoverUpdates(r *gogit.Repository, root string, gitfs billy.Filesystem) error {
	ents, err := os.ReadDir(root) // not Glob: root may hold '[' or '*'
	if err != nil {
		return err
	}
	for _, e := range ents {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), txPrefix) {
			continue // IsDir: a symlink is no transaction directory
		}
		if err := recoverOne(r, root, filepath.Join(root, e.Name()), gitfs); err != nil {
			return err
		}
	}
	return nil
}

func recoverOne(r *gogit.Repository, root, dir string, gitfs billy.Filesystem) error {
	f, err := os.OpenFile(filepath.Join(dir, "journal"), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		_ = os.Remove(dir) // an update that died before its journal: empty
		return nil
	}
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	if ok, _ := tryLock(f); !ok {
		return fmt.Errorf("another process is updating this work tree (%s is in use); try again when it has finished", filepath.Base(dir))
	}
	h, steps, err := readJournal(f)
	if err != nil {
		return fmt.Errorf("read the journal of an interrupted update in %s: %w", dir, err)
	}
	head, resolved, err := headState(r)
	if err != nil {
		return err
	}
	if head == h.head && resolved == h.resolved {
		if err := undoSteps(root, dir, steps); err != nil {
			return fmt.Errorf("undo an interrupted update; the replaced files are in %s: %w", dir, err)
		}
		if err := putBackIndex(gitfs, dir, h); err != nil {
			return err
		}
	}
	removeStaleLock(gitfs, h)
	return os.RemoveAll(dir)
}

// putBackIndex restores the index saved before an interrupted update.
func putBackIndex(gitfs billy.Filesystem, dir string, h journalHead) error {
	removeStaleLock(gitfs, h)
	var old []byte
	if h.index != nil {
		var err error
		if old, err = os.ReadFile(filepath.Join(dir, "index.old")); err != nil {
			return fmt.Errorf("restore the index of an interrupted update: %w", err)
		}
	}
	return replaceIndex(gitfs, old)
}

// removeStaleLock removes index.lock when it is the one the dead update
// created (same device and inode), never another process's.
func removeStaleLock(gitfs billy.Filesystem, h journalHead) {
	fi, err := gitfs.Lstat("index.lock")
	if err != nil {
		return
	}
	if dev, ino := fileIdentity(fi); ino != 0 && dev == h.lockDev && ino == h.lockIno {
		_ = gitfs.Remove("index.lock")
	}
}

// recoverInterrupted runs recoverUpdates for r's work tree, first thing in
// every operation that changes it: an update that completed before its
// process died leaves only leftovers, and the next pull may have nothing
// else to do.
func recoverInterrupted(r *gogit.Repository) error {
	wt, err := r.Worktree()
	if errors.Is(err, gogit.ErrIsBareRepository) {
		return nil
	}
	if err != nil {
		return err
	}
	fsys, ok := r.Storer.(*filesystem.Storage)
	if !ok {
		return nil
	}
	return recoverUpdates(r, wt.Filesystem.Root(), fsys.Filesystem())
}
