package quickstatus

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// entry is one index entry, with the stat data git recorded for it.
type entry struct {
	name                 string
	ctimeSec, ctimeNsec  uint32
	mtimeSec, mtimeNsec  uint32
	ino, mode, size      uint32
	hash                 plumbing.Hash
	stage                int
	skipWorktree, intent bool
}

// indexFile is what Read needs of .git/index.
type indexFile struct {
	entries []entry
	// mtime of the index file itself, which decides whether an entry's
	// timestamps can be trusted (racy git).
	mtimeSec, mtimeNsec int64
	// rootTree is the cache-tree extension's id for the whole index, when
	// git left it valid; it spares hashing every tree.
	rootTree      plumbing.Hash
	rootTreeValid bool
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

// readIndex parses .git/index versions 2 and 3 — what git writes unless
// told otherwise. It is a hand-written reader because decoding a 5,000-entry
// index through reflection cost more than the whole walk of the work tree.
// The trailing checksum is not verified: a torn index can only make entries
// disagree with the work tree, which sends the question to git.
func readIndex(gitDir string) (*indexFile, error) {
	p := filepath.Join(gitDir, "index")
	fi, err := os.Stat(p)
	if err != nil {
		return nil, slow("stat index: %v", err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, slow("read index: %v", err)
	}
	mt := fi.ModTime()
	idx := &indexFile{mtimeSec: mt.Unix(), mtimeNsec: int64(mt.Nanosecond())}
	if len(b) < 12+20 || string(b[:4]) != "DIRC" {
		return nil, slow("index: bad signature")
	}
	version := binary.BigEndian.Uint32(b[4:8])
	if version != 2 && version != 3 {
		return nil, slow("index version %d", version) // v4 compresses paths
	}
	n := int(binary.BigEndian.Uint32(b[8:12]))
	end := len(b) - 20 // trailing checksum
	if n > end/entryFixedLength {
		return nil, slow("index: %d entries cannot fit", n)
	}
	idx.entries = make([]entry, n)
	off := 12
	for i := range n {
		if off+entryFixedLength > end {
			return nil, slow("index: truncated")
		}
		r := b[off:]
		e := &idx.entries[i]
		e.ctimeSec = binary.BigEndian.Uint32(r[0:])
		e.ctimeNsec = binary.BigEndian.Uint32(r[4:])
		e.mtimeSec = binary.BigEndian.Uint32(r[8:])
		e.mtimeNsec = binary.BigEndian.Uint32(r[12:])
		e.ino = binary.BigEndian.Uint32(r[20:])
		e.mode = binary.BigEndian.Uint32(r[24:])
		e.size = binary.BigEndian.Uint32(r[36:])
		copy(e.hash[:], r[40:60])
		flags := binary.BigEndian.Uint16(r[60:])
		e.stage = int(flags>>flagStageShift) & 3
		pos := entryFixedLength
		if flags&flagExtended != 0 {
			if version < 3 || off+pos+2 > end {
				return nil, slow("index: bad extended flags")
			}
			ext := binary.BigEndian.Uint16(r[pos:])
			e.skipWorktree, e.intent = ext&extSkipWorktree != 0, ext&extIntentToAdd != 0
			pos += 2
		}
		nul := bytes.IndexByte(r[pos:min(len(r), end-off)], 0)
		if nul < 0 {
			return nil, slow("index: unterminated path")
		}
		e.name = string(r[pos : pos+nul])
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
func readExtensions(idx *indexFile, b []byte) error {
	for len(b) >= 8 {
		sig, size := string(b[:4]), int(binary.BigEndian.Uint32(b[4:8]))
		if size < 0 || 8+size > len(b) {
			return slow("index: truncated extension %q", sig)
		}
		data := b[8 : 8+size]
		switch {
		case sig == "TREE":
			idx.rootTree, idx.rootTreeValid = rootOfCacheTree(data, len(idx.entries))
		case sig[0] >= 'A' && sig[0] <= 'Z':
			// Optional: safe to ignore.
		default:
			return slow("index extension %q", sig)
		}
		b = b[8+size:]
	}
	return nil
}

// rootOfCacheTree reads the first cache-tree record, the root:
// "<path>\0<entry count> <subtrees>\n<sha-1>", the count -1 when invalid.
func rootOfCacheTree(data []byte, entries int) (plumbing.Hash, bool) {
	nul := bytes.IndexByte(data, 0)
	if nul != 0 { // the root's path is empty
		return plumbing.ZeroHash, false
	}
	nl := bytes.IndexByte(data, '\n')
	if nl < 0 {
		return plumbing.ZeroHash, false
	}
	count, _, ok := strings.Cut(string(data[1:nl]), " ")
	if !ok || count != strconv.Itoa(entries) || len(data) < nl+1+20 {
		return plumbing.ZeroHash, false
	}
	var h plumbing.Hash
	copy(h[:], data[nl+1:nl+21])
	return h, true
}

// treeHash is the id of the tree `git write-tree` would write from the
// index: equal to HEAD's tree exactly when nothing is staged. A valid
// cache-tree gives it for free; otherwise every tree is hashed, which for
// a few thousand entries costs well under a millisecond.
func (idx *indexFile) treeHash() plumbing.Hash {
	if idx.rootTreeValid {
		return idx.rootTree
	}
	type child struct {
		name  string
		mode  uint32
		hash  plumbing.Hash
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
	for _, e := range idx.entries {
		dir, name := splitPath(e.name)
		addDir(dir)
		dirs[dir] = append(dirs[dir], child{name: name, mode: e.mode, hash: e.hash})
	}
	var hashDir func(dir string) plumbing.Hash
	hashDir = func(dir string) plumbing.Hash {
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
		var out plumbing.Hash
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
