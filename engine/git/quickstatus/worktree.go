package quickstatus

import (
	"crypto/sha1"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// Index modes (git's object modes).
const (
	modeTypeMask   = 0o170000
	modeRegular    = 0o100000
	modeSymlink    = 0o120000
	modeGitlink    = 0o160000
	modeExecutable = 0o100755
)

// dirInfo is what the index says one directory holds. Names are substrings
// of the entries' paths, so building it allocates little.
type dirInfo struct {
	files   map[string]*gitobj.IndexEntry
	subdirs map[string]bool
}

// walker compares the work tree with the index, one directory at a time.
type walker struct {
	root   string
	cfg    settings
	idx    *gitobj.Index
	dirs   map[string]*dirInfo // "" is the root
	seen   int
	ignore *gitobj.Ignore
	// racyBudget bounds the bytes hashed for racily clean entries; past
	// it git is cheaper.
	racyBudget int64
}

func (w *walker) dir(rel string) *dirInfo {
	d := w.dirs[rel]
	if d == nil {
		d = &dirInfo{files: map[string]*gitobj.IndexEntry{}, subdirs: map[string]bool{}}
		w.dirs[rel] = d
	}
	return d
}

// checkWorkTree returns nil when every tracked file is unchanged by its stat
// data and no path exists that git would call untracked.
func checkWorkTree(root string, r gitobj.Repo, idx *gitobj.Index, cfg settings) error {
	w := &walker{root: root, cfg: cfg, idx: idx, dirs: map[string]*dirInfo{}, racyBudget: 4 << 20}
	// The index is sorted by path, so runs of entries share a directory:
	// remembering the last one skips the directory lookup and the walk up
	// its parents for all but the first entry of a run. On a large work
	// tree building these maps was most of the cost of giving up on a
	// dirty repository before git is asked anyway.
	lastDir, last := "", w.dir("")
	for i := range idx.Entries {
		e := &idx.Entries[i]
		if e.Mode&modeTypeMask == modeGitlink {
			return slow("submodule %s", e.Name)
		}
		dir, name := splitPath(e.Name)
		if name == ".gitattributes" {
			w.cfg.filters = true // git falls back to the index's copy
		}
		if dir == lastDir {
			last.files[name] = e
			continue
		}
		lastDir, last = dir, w.dir(dir)
		if len(last.files) == 0 {
			// Sized for the run, so the map does not grow (and rehash)
			// a few times per directory.
			last.files = make(map[string]*gitobj.IndexEntry, runLength(idx.Entries[i:], dir))
		}
		last.files[name] = e
		// Register dir in its parents, up to one already known.
		for dir != "" {
			parent, base := splitPath(dir)
			p := w.dir(parent)
			if p.subdirs[base] {
				break
			}
			p.subdirs[base] = true
			dir = parent
		}
	}
	if _, err := os.Stat(filepath.Join(r.CommonDir, "info", "attributes")); err == nil {
		w.cfg.filters = true
	}
	var lists []gitobj.IgnoreList
	for _, p := range []string{filepath.Join(r.CommonDir, "info", "exclude"), gitobj.ExcludesFile(cfg.cfg, os.Environ())} {
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			// git runs at the top of the work tree and opens a
			// relative core.excludesFile from there.
			p = filepath.Join(root, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			continue // git skips an excludes file it cannot read
		}
		l, err := gitobj.ParseIgnore(b, "")
		if err != nil {
			return slow("%s: %v", p, err)
		}
		lists = append(lists, l)
	}
	w.ignore = gitobj.NewIgnore(lists...)
	if err := w.walk("", root, false); err != nil {
		return err
	}
	if w.seen != len(idx.Entries) {
		return slow("tracked files are missing")
	}
	return nil
}

// walk visits directory rel (slash-separated, "" for the root) at abs.
// ignored is true below an ignored directory, where every untracked path
// is ignored too: git does not even read the ignore files there, so
// nothing below an ignored directory can be re-included.
func (w *walker) walk(rel, abs string, ignored bool) error {
	dirf, ents, err := openDir(abs)
	if err != nil {
		return slow("read %s: %v", rel, err)
	}
	defer dirf.Close()
	dirfd := int(dirf.Fd())
	info := w.dirs[rel]
	for _, d := range ents {
		if d.Name() == ".gitattributes" {
			// git applies a work tree's .gitattributes whether it is
			// tracked, untracked or ignored: the racy content check
			// below must then be git's.
			w.cfg.filters = true
			break
		}
	}
	if !ignored {
		// .gitignore applies to its own directory, so it is read before
		// any sibling is judged. A symbolic link is not followed (git
		// 2.32+ ignores it too), and its patterns go on return.
		var list gitobj.IgnoreList
		if fi, err := os.Lstat(filepath.Join(abs, ".gitignore")); err == nil && fi.Mode().IsRegular() {
			b, err := os.ReadFile(filepath.Join(abs, ".gitignore"))
			if err != nil {
				return slow("read %s/.gitignore: %v", rel, err)
			}
			base := ""
			if rel != "" {
				base = rel + "/"
			}
			if list, err = gitobj.ParseIgnore(b, base); err != nil {
				return slow("%s/.gitignore: %v", rel, err)
			}
		} else if err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return slow("%s/.gitignore is a symbolic link", rel)
		}
		w.ignore.Push(list)
		defer w.ignore.Pop()
	}
	match := func(name string, isDir bool) bool {
		return ignored || w.ignore.Excluded(joinPath(rel, name), isDir)
	}
	for _, d := range ents {
		name := d.Name()
		if rel == "" && name == ".git" {
			continue
		}
		if d.IsDir() {
			if info.subdirs[name] {
				if err := w.walk(joinPath(rel, name), abs+string(filepath.Separator)+name, match(name, true)); err != nil {
					return err
				}
				continue
			}
			if info.files[name] != nil {
				return slow("tracked file %s became a directory", joinPath(rel, name))
			}
			if !match(name, true) {
				// An untracked directory is reported only if it holds
				// an untracked file; let git decide.
				return slow("untracked directory %s", joinPath(rel, name))
			}
			continue
		}
		e := info.files[name]
		if e == nil {
			if match(name, false) {
				continue
			}
			return slow("untracked file %s", joinPath(rel, name))
		}
		w.seen++
		if err := w.compare(dirfd, name, abs, e); err != nil {
			return err
		}
	}
	return nil
}

// openDir reads the directory at abs sorted by name, as os.ReadDir does,
// and leaves it open while its entries are compared: each file is then
// stat'ed relative to it (fstatat), without the kernel resolving the whole
// path again — most of the cost of a clean repository is those lookups.
func openDir(abs string) (*os.File, []os.DirEntry, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, nil, err
	}
	ents, err := f.ReadDir(-1)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	slices.SortFunc(ents, func(a, b os.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return f, ents, nil
}

// sameContent hashes a racily clean file as a git blob and compares it with
// the index. Content filters (autocrlf, eol, .gitattributes) would make the
// work-tree bytes differ from the blob legitimately, so with any of them
// configured the question goes to git.
func (w *walker) sameContent(abs string, e *gitobj.IndexEntry, size int64) error {
	if w.cfg.filters || e.Mode&modeTypeMask != modeRegular || size > w.racyBudget {
		return slow("%s is racily clean", e.Name)
	}
	b, err := os.ReadFile(abs)
	if err != nil || int64(len(b)) != size {
		return slow("%s changed while reading", e.Name)
	}
	w.racyBudget -= size
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(b)) + "\x00"))
	h.Write(b)
	var sum plumbing.Hash
	copy(sum[:], h.Sum(nil))
	if sum != e.Hash {
		return slow("%s modified", e.Name)
	}
	return nil
}

// runLength counts the entries at the start of es directly in dir.
func runLength(es []gitobj.IndexEntry, dir string) int {
	for n := range es {
		if d, _ := splitPath(es[n].Name); d != dir {
			return n
		}
	}
	return len(es)
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
