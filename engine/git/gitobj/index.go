package gitobj

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// IndexEntry is one index entry, with the stat data git recorded for it.
type IndexEntry struct {
	Name                 string
	CtimeSec, CtimeNsec  uint32
	MtimeSec, MtimeNsec  uint32
	Ino, Mode, Size      uint32
	Hash                 [20]byte
	Stage                int
	SkipWorktree, Intent bool
}

// Index is what a status needs of the index file.
type Index struct {
	Entries []IndexEntry
	// MtimeSec and MtimeNsec are the index file's own mtime, which decides
	// whether an entry's timestamps can be trusted (racy git).
	MtimeSec, MtimeNsec int64
	// rootTree is the cache-tree extension's id for the whole index, when
	// git left it valid; it spares hashing every tree.
	rootTree      [20]byte
	rootTreeValid bool
}

// needGit is an error wrapping ErrNeedGit.
func needGit(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNeedGit)
}

// Index entry flags (see git's Documentation/gitformat-index.txt).
const (
	flagExtended     = 0x4000
	flagStageShift   = 12
	flagNameMask     = 0x0fff
	extSkipWorktree  = 0x4000
	extIntentToAdd   = 0x2000
	entryFixedLength = 62 // stat data, mode, ids, size, sha-1 and flags
)

// ReadIndex parses .git/index versions 2 and 3 — what git writes unless
// told otherwise. It is a hand-written reader because decoding a 5,000-entry
// index through reflection cost more than the whole walk of the work tree.
// The trailing checksum is not verified: a torn index can only make entries
// disagree with the work tree, which sends the question to git.
func ReadIndex(gitDir string) (*Index, error) {
	p := filepath.Join(gitDir, "index")
	fi, err := os.Stat(p)
	if err != nil {
		return nil, needGit("stat index: %v", err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, needGit("read index: %v", err)
	}
	mt := fi.ModTime()
	idx := &Index{MtimeSec: mt.Unix(), MtimeNsec: int64(mt.Nanosecond())}
	if len(b) < 12+20 || string(b[:4]) != "DIRC" {
		return nil, needGit("index: bad signature")
	}
	version := binary.BigEndian.Uint32(b[4:8])
	if version != 2 && version != 3 {
		return nil, needGit("index version %d", version) // v4 compresses paths
	}
	n := int(binary.BigEndian.Uint32(b[8:12]))
	end := len(b) - 20 // trailing checksum
	if n > end/entryFixedLength {
		return nil, needGit("index: %d entries cannot fit", n)
	}
	idx.Entries = make([]IndexEntry, n)
	off := 12
	for i := range n {
		if off+entryFixedLength > end {
			return nil, needGit("index: truncated")
		}
		r := b[off:]
		e := &idx.Entries[i]
		e.CtimeSec = binary.BigEndian.Uint32(r[0:])
		e.CtimeNsec = binary.BigEndian.Uint32(r[4:])
		e.MtimeSec = binary.BigEndian.Uint32(r[8:])
		e.MtimeNsec = binary.BigEndian.Uint32(r[12:])
		e.Ino = binary.BigEndian.Uint32(r[20:])
		e.Mode = binary.BigEndian.Uint32(r[24:])
		e.Size = binary.BigEndian.Uint32(r[36:])
		copy(e.Hash[:], r[40:60])
		flags := binary.BigEndian.Uint16(r[60:])
		e.Stage = int(flags>>flagStageShift) & 3
		pos := entryFixedLength
		if flags&flagExtended != 0 {
			if version < 3 || off+pos+2 > end {
				return nil, needGit("index: bad extended flags")
			}
			ext := binary.BigEndian.Uint16(r[pos:])
			e.SkipWorktree, e.Intent = ext&extSkipWorktree != 0, ext&extIntentToAdd != 0
			pos += 2
		}
		nul := bytes.IndexByte(r[pos:min(len(r), end-off)], 0)
		if nul < 0 {
			return nil, needGit("index: unterminated path")
		}
		e.Name = string(r[pos : pos+nul])
		// Entries are padded with 1–8 NULs to a multiple of 8 bytes.
		off += (pos + nul + 8) &^ 7
	}
	if err := readExtensions(idx, b[off:end]); err != nil {
		return nil, err
	}
	return idx, nil
}

// readExtensions takes the cache-tree root from TREE and refuses required
// extensions it does not know (split index "link", sparse index "sdir"):
// their meaning changes what the entries say.
func readExtensions(idx *Index, b []byte) error {
	for len(b) >= 8 {
		sig, size := string(b[:4]), int(binary.BigEndian.Uint32(b[4:8]))
		if size < 0 || 8+size > len(b) {
			return needGit("index: truncated extension %q", sig)
		}
		data := b[8 : 8+size]
		switch {
		case sig == "TREE":
			idx.rootTree, idx.rootTreeValid = rootOfCacheTree(data, len(idx.Entries))
		case sig[0] >= 'A' && sig[0] <= 'Z':
			// Optional: safe to ignore.
		default:
			return needGit("index extension %q", sig)
		}
		b = b[8+size:]
	}
	return nil
}

// rootOfCacheTree reads the first cache-tree record, the root:
// "<path>\0<entry count> <subtrees>\n<sha-1>", the count -1 when invalid.
func rootOfCacheTree(data []byte, entries int) ([20]byte, bool) {
	nul := bytes.IndexByte(data, 0)
	if nul != 0 { // the root's path is empty
		return [20]byte{}, false
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return [20]byte{}, false
	}
	count, _, ok := strings.Cut(string(data[1:nl]), " ")
	if !ok || count != strconv.Itoa(entries) || len(data) < nl+1+20 {
		return [20]byte{}, false
	}
	var h [20]byte
	copy(h[:], data[nl+1:nl+21])
	return h, true
}

// TreeHash is the id of the tree `git write-tree` would write from the
// index: equal to HEAD's tree exactly when nothing is staged. A valid
// cache-tree gives it for free; otherwise every tree is hashed, which for
// a few thousand entries costs well under a millisecond.
func (idx *Index) TreeHash() [20]byte {
	if idx.rootTreeValid {
		return idx.rootTree
	}
	type child struct {
		name  string
		mode  uint32
		hash  [20]byte
		isDir bool
	}
	dirs := map[string][]child{"": nil}
	var addDir func(dir string)
	addDir = func(dir string) {
		if _, ok := dirs[dir]; ok {
			return
		}
		dirs[dir] = nil
		parent, name := splitPath(dir)
		addDir(parent)
		dirs[parent] = append(dirs[parent], child{name: name, isDir: true})
	}
	for _, e := range idx.Entries {
		dir, name := splitPath(e.Name)
		addDir(dir)
		dirs[dir] = append(dirs[dir], child{name: name, mode: e.Mode, hash: e.Hash})
	}
	var hashDir func(dir string) [20]byte
	hashDir = func(dir string) [20]byte {
		kids := dirs[dir]
		// Git sorts tree entries by name, comparing directories as if
		// their name ended in '/'.
		slices.SortFunc(kids, func(a, b child) int {
			return strings.Compare(sortKey(a.name, a.isDir), sortKey(b.name, b.isDir))
		})
		var body []byte
		for _, k := range kids {
			mode, h := k.mode, k.hash
			if k.isDir {
				mode, h = 0o40000, hashDir(joinPath(dir, k.name))
			}
			body = strconv.AppendUint(body, uint64(mode), 8)
			body = append(body, ' ')
			body = append(body, k.name...)
			body = append(body, 0)
			body = append(body, h[:]...)
		}
		sum := sha1.New()
		sum.Write([]byte("tree " + strconv.Itoa(len(body)) + "\x00"))
		sum.Write(body)
		var out [20]byte
		copy(out[:], sum.Sum(nil))
		return out
	}
	return hashDir("")
}

func sortKey(name string, isDir bool) string {
	if isDir {
		return name + "/"
	}
	return name
}

func splitPath(p string) (dir, name string) {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
