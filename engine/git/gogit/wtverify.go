package gogit

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// wtVerifier decides whether a work-tree file still holds what its index
// entry records, as git decides it: the file is "cleaned" (CRLF turned
// back into LF where git's convert_to_git would) before it is hashed, a
// plain file stands for a symlink under core.symlinks=false, and the
// executable bit is ignored under core.fileMode=false.
type wtVerifier struct {
	r         *gogit.Repository
	root      string
	entries   map[string]*index.Entry
	env       *checkoutEnv
	stack     *attrStack
	indexTime time.Time // the index file's mtime: git's racy-clean line
}

func newWTVerifier(r *gogit.Repository, root string, idx *index.Index, env *checkoutEnv, indexTime time.Time) (*wtVerifier, error) {
	v := &wtVerifier{r: r, root: root, entries: map[string]*index.Entry{}, env: env, indexTime: indexTime}
	for _, e := range idx.Entries {
		if e.Stage == 0 {
			v.entries[e.Name] = e
		}
	}
	stack, err := newAttrStack(env.outer, env.info, attrTree(r, root, idx, ffPlan{}))
	if err != nil {
		return nil, err
	}
	v.stack = stack
	return v, nil
}

// racy reports an entry whose file git would read again although its stat
// data match: modified no earlier than the index was written.
func (v *wtVerifier) racy(p string) bool {
	e, ok := v.entries[p]
	return ok && !v.indexTime.IsZero() && !e.ModifiedAt.Before(v.indexTime)
}

// unchangedAs is unchanged (gitStyle) or a byte-for-byte comparison.
func (v *wtVerifier) unchangedAs(p string, gitStyle bool) (bool, error) {
	if gitStyle {
		return v.unchanged(p)
	}
	e, ok := v.entries[p]
	if !ok {
		return false, nil
	}
	full := filepath.Join(v.root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if err != nil {
		return false, nil
	}
	switch {
	case e.Mode == filemode.Symlink && fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		return err == nil && plumbing.ComputeHash(plumbing.BlobObject, []byte(target)) == e.Hash, nil
	case fi.Mode().IsRegular() && e.Mode != filemode.Symlink:
		if (fi.Mode()&0o100 != 0) != (e.Mode == filemode.Executable) {
			return false, nil
		}
		return v.hashFile(full, e, false)
	}
	return false, nil
}

// unchanged reports whether git would call path p unmodified; false when
// unsure.
func (v *wtVerifier) unchanged(p string) (bool, error) {
	e, ok := v.entries[p]
	if !ok {
		return false, nil
	}
	full := filepath.Join(v.root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	switch {
	case e.Mode == filemode.Symlink && fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return false, err
		}
		return plumbing.ComputeHash(plumbing.BlobObject, []byte(target)) == e.Hash, nil
	case e.Mode == filemode.Symlink && !v.env.conf.symlinks && fi.Mode().IsRegular():
		return v.hashFile(full, e, false)
	case (e.Mode == filemode.Regular || e.Mode == filemode.Executable) && fi.Mode().IsRegular():
		if v.env.conf.fileMode && (fi.Mode()&0o100 != 0) != (e.Mode == filemode.Executable) {
			return false, nil
		}
		attrs, err := v.stack.lookup(p)
		if err != nil {
			return false, err
		}
		if _, err := v.env.conf.decide(p, attrs); err != nil {
			return false, nil // a filter or the like: only git can tell
		}
		action := v.env.conf.action(attrs)
		return v.hashFile(full, e, action != crlfBinary && action != crlfUndefined)
	}
	return false, nil
}

// hashFile hashes the file as git would store it: with CRLF turned into LF
// when text is set (crlf_to_git), where the auto actions skip content git
// calls binary and files whose index version holds a CR.
func (v *wtVerifier) hashFile(full string, e *index.Entry, text bool) (bool, error) {
	var st textStats
	if err := readFileInto(full, &st); err != nil {
		return false, err
	}
	st.finish()
	convert := text && st.crlf > 0
	if convert {
		attrs, err := v.stack.lookup(e.Name)
		if err != nil {
			return false, err
		}
		switch v.env.conf.action(attrs) {
		case crlfAuto, crlfAutoInput, crlfAutoCRLF:
			binary := st.lonecr > 0 || st.nul > 0 || (st.printable>>7) < st.nonprintable
			if binary {
				convert = false
			} else if cr, err := v.blobHasCR(e.Hash); err != nil {
				return false, err
			} else if cr {
				convert = false
			}
		}
	}
	size := st.size
	if convert {
		size -= st.crlf
	}
	h := plumbing.NewHasher(plumbing.BlobObject, size)
	var w io.Writer = h
	if convert {
		w = &crlfStripper{w: h}
	}
	if err := readFileInto(full, w); err != nil {
		return false, err
	}
	if c, ok := w.(*crlfStripper); ok {
		if err := c.flush(); err != nil {
			return false, err
		}
	}
	return h.Sum() == e.Hash, nil
}

func readFileInto(name string, w io.Writer) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	_, err = io.Copy(w, f)
	return err
}

// blobHasCR is git's has_crlf_in_index: any CR in the indexed blob.
func (v *wtVerifier) blobHasCR(h plumbing.Hash) (bool, error) {
	blob, err := v.r.BlobObject(h)
	if err != nil {
		return false, err
	}
	rd, err := blob.Reader()
	if err != nil {
		return false, err
	}
	defer func() { _ = rd.Close() }()
	buf := make([]byte, 32<<10)
	for {
		n, err := rd.Read(buf)
		if bytes.IndexByte(buf[:n], '\r') >= 0 {
			return true, nil
		}
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// crlfStripper drops every CR that is followed by an LF.
type crlfStripper struct {
	w         io.Writer
	pendingCR bool
	buf       []byte
}

func (c *crlfStripper) Write(b []byte) (int, error) {
	c.buf = c.buf[:0]
	for _, ch := range b {
		if c.pendingCR {
			c.pendingCR = false
			if ch != '\n' {
				c.buf = append(c.buf, '\r')
			}
		}
		if ch == '\r' {
			c.pendingCR = true
			continue
		}
		c.buf = append(c.buf, ch)
	}
	if _, err := c.w.Write(c.buf); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (c *crlfStripper) flush() error {
	if c.pendingCR {
		c.pendingCR = false
		_, err := c.w.Write([]byte{'\r'})
		return err
	}
	return nil
}
