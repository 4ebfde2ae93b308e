package quickstatus

import (
	"crypto/sha1"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
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
	files   map[string]*entry
	subdirs map[string]bool
}

// walker compares the work tree with the index, one directory at a time.
type walker struct {
	root     string
	cfg      settings
	idx      *indexFile
	dirs     map[string]*dirInfo // "" is the root
	seen     int
	patterns []gitignore.Pattern
	// racyBudget bounds the bytes hashed for racily clean entries; past
	// it git is cheaper.
	racyBudget int64
}

func (w *walker) dir(rel string) *dirInfo {
	d := w.dirs[rel]
	if d == nil {
		d = &dirInfo{files: map[string]*entry{}, subdirs: map[string]bool{}}
		w.dirs[rel] = d
	}
	return d
}

// checkWorkTree returns nil when every tracked file is unchanged by its stat
// data and no path exists that git would call untracked.
func checkWorkTree(root, gitDir string, idx *indexFile, cfg settings) error {
	w := &walker{root: root, cfg: cfg, idx: idx, dirs: map[string]*dirInfo{}, racyBudget: 4 << 20}
	w.dir("")
	for i := range idx.entries {
		e := &idx.entries[i]
		if e.mode&modeTypeMask == modeGitlink {
			return slow("submodule %s", e.name)
		}
		dir, name := splitPath(e.name)
		if name == ".gitattributes" {
			w.cfg.filters = true
		}
		w.dir(dir).files[name] = e
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
	if _, err := os.Stat(filepath.Join(gitDir, "info", "attributes")); err == nil {
		w.cfg.filters = true
	}
	if b, err := os.ReadFile(filepath.Join(gitDir, "info", "exclude")); err == nil {
		w.patterns = appendPatterns(w.patterns, b, nil)
	}
	if err := w.walk("", root, nil, false); err != nil {
		return err
	}
	if w.seen != len(idx.entries) {
		return slow("tracked files are missing")
	}
	return nil
}

func appendPatterns(ps []gitignore.Pattern, b []byte, domain []string) []gitignore.Pattern {
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// walk visits directory rel (slash-separated, "" for the root) at abs.
// ignored is true below an ignored directory, where untracked files are
// ignored too.
func (w *walker) walk(rel, abs string, domain []string, ignored bool) error {
	ents, err := os.ReadDir(abs)
	if err != nil {
		return slow("read %s: %v", rel, err)
	}
	info := w.dirs[rel]
	// .gitignore applies to its own directory, so read it before judging
	// any sibling; patterns of deeper directories are dropped on return.
	saved := len(w.patterns)
	defer func() { w.patterns = w.patterns[:saved] }()
	for _, d := range ents {
		if d.Name() == ".gitignore" && d.Type().IsRegular() {
			if b, err := os.ReadFile(filepath.Join(abs, ".gitignore")); err == nil {
				w.patterns = appendPatterns(w.patterns, b, domain)
			}
		}
	}
	var matcher gitignore.Matcher
	match := func(name string, isDir bool) bool {
		if ignored {
			return true
		}
		if len(w.patterns) == 0 {
			return false
		}
		if matcher == nil {
			matcher = gitignore.NewMatcher(w.patterns)
		}
		return matcher.Match(append(domain[:len(domain):len(domain)], name), isDir)
	}
	for _, d := range ents {
		name := d.Name()
		if rel == "" && name == ".git" {
			continue
		}
		if d.IsDir() {
			if info.subdirs[name] {
				sub := append(domain[:len(domain):len(domain)], name)
				if err := w.walk(joinPath(rel, name), abs+string(filepath.Separator)+name, sub, match(name, true)); err != nil {
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
		if err := w.compare(abs+string(filepath.Separator)+name, e); err != nil {
			return err
		}
	}
	return nil
}

// sameContent hashes a racily clean file as a git blob and compares it with
// the index. Content filters (autocrlf, eol, .gitattributes) would make the
// work-tree bytes differ from the blob legitimately, so with any of them
// configured the question goes to git.
func (w *walker) sameContent(abs string, e *entry, size int64) error {
	if w.cfg.filters || e.mode&modeTypeMask != modeRegular || size > w.racyBudget {
		return slow("%s is racily clean", e.name)
	}
	b, err := os.ReadFile(abs)
	if err != nil || int64(len(b)) != size {
		return slow("%s changed while reading", e.name)
	}
	w.racyBudget -= size
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(b)) + "\x00"))
	h.Write(b)
	var sum plumbing.Hash
	copy(sum[:], h.Sum(nil))
	if sum != e.hash {
		return slow("%s modified", e.name)
	}
	return nil
}
