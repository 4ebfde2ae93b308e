package quickstatus

import (
	"bytes"
	"crypto/sha1"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// readIndex decodes .git/index and returns it with its modification time,
// which decides whether an entry's timestamps can be trusted (racy git).
func readIndex(gitDir string) (*index.Index, time.Time, error) {
	p := filepath.Join(gitDir, "index")
	fi, err := os.Stat(p)
	if err != nil {
		return nil, time.Time{}, slow("stat index: %v", err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, time.Time{}, slow("read index: %v", err)
	}
	idx := &index.Index{}
	// Unknown required extensions (split index, sparse index) make the
	// decoder fail, which is exactly when we want git to answer.
	if err := index.NewDecoder(bytes.NewReader(b)).Decode(idx); err != nil {
		return nil, time.Time{}, slow("decode index: %v", err)
	}
	return idx, fi.ModTime(), nil
}

// indexTreeHash computes the id of the tree `git write-tree` would write
// from the index: equal to HEAD's tree exactly when nothing is staged.
// Hashing a few thousand small tree objects is far cheaper than trusting
// the cache-tree extension, which git often leaves invalid.
func indexTreeHash(idx *index.Index) plumbing.Hash {
	type child struct {
		name  string
		mode  filemode.FileMode
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
	for _, e := range idx.Entries {
		dir, name := splitPath(e.Name)
		addDir(dir)
		dirs[dir] = append(dirs[dir], child{name: name, mode: e.Mode, hash: e.Hash})
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
				mode, h = filemode.Dir, hashDir(joinPath(dir, k.name))
			}
			body = append(body, strconv.FormatUint(uint64(mode), 8)...)
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
