package quickstatus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// walker compares the work tree with the index, one directory at a time.
type walker struct {
	root     string
	cfg      settings
	idxMtime time.Time
	files    map[string]*index.Entry // tracked path → entry
	dirs     map[string]bool         // directories holding tracked paths
	seen     int
	patterns []gitignore.Pattern
	// racyBudget bounds the bytes hashed for racily clean entries; past
	// it git is cheaper.
	racyBudget int64
}

// checkWorkTree returns nil when every tracked file is unchanged by its stat
// data and no path exists that git would call untracked.
func checkWorkTree(root, gitDir string, idx *index.Index, idxMtime time.Time, cfg settings) error {
	w := &walker{root: root, cfg: cfg, idxMtime: idxMtime,
		files: make(map[string]*index.Entry, len(idx.Entries)), dirs: map[string]bool{"": true},
		racyBudget: 4 << 20}
	for _, e := range idx.Entries {
		if e.Mode == filemode.Submodule {
			return slow("submodule %s", e.Name)
		}
		w.files[e.Name] = e
		if e.Name == ".gitattributes" || strings.HasSuffix(e.Name, "/.gitattributes") {
			w.cfg.filters = true
		}
		for d := e.Name; ; {
			i := strings.LastIndexByte(d, '/')
			if i < 0 {
				break
			}
			d = d[:i]
			if w.dirs[d] {
				break
			}
			w.dirs[d] = true
		}
	}
	if _, err := os.Stat(filepath.Join(gitDir, "info", "attributes")); err == nil {
		w.cfg.filters = true
	}
	if b, err := os.ReadFile(filepath.Join(gitDir, "info", "exclude")); err == nil {
		w.patterns = appendPatterns(w.patterns, b, nil)
	}
	if err := w.walk("", nil, false); err != nil {
		return err
	}
	if w.seen != len(w.files) {
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

// walk visits directory rel (slash-separated, "" for the root). ignored is
// true below an ignored directory, where untracked files are ignored too.
func (w *walker) walk(rel string, domain []string, ignored bool) error {
	abs := filepath.Join(w.root, filepath.FromSlash(rel))
	ents, err := os.ReadDir(abs)
	if err != nil {
		return slow("read %s: %v", rel, err)
	}
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
	matcher := gitignore.NewMatcher(w.patterns)
	for _, d := range ents {
		name := d.Name()
		if rel == "" && name == ".git" {
			continue
		}
		p := joinPath(rel, name)
		path := append(append([]string(nil), domain...), name)
		if d.IsDir() {
			isIgnored := ignored || matcher.Match(path, true)
			if w.dirs[p] {
				if err := w.walk(p, path, isIgnored); err != nil {
					return err
				}
				continue
			}
			if w.files[p] != nil {
				return slow("tracked file %s became a directory", p)
			}
			if !isIgnored {
				// An untracked directory is reported only if it holds
				// an untracked file; let git decide.
				return slow("untracked directory %s", p)
			}
			continue
		}
		e := w.files[p]
		if e == nil {
			if ignored || matcher.Match(path, false) {
				continue
			}
			return slow("untracked file %s", p)
		}
		w.seen++
		if err := w.compare(p, e); err != nil {
			return err
		}
	}
	return nil
}

// compare decides whether a tracked file is unchanged from its stat data
// alone, as git's ie_match_stat does, and gives up on racy entries.
func (w *walker) compare(p string, e *index.Entry) error {
	fi, err := os.Lstat(filepath.Join(w.root, filepath.FromSlash(p)))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return slow("%s deleted", p)
		}
		return slow("stat %s: %v", p, err)
	}
	switch e.Mode {
	case filemode.Regular, filemode.Executable:
		if !fi.Mode().IsRegular() {
			return slow("%s changed type", p)
		}
		if w.cfg.fileMode && (fi.Mode()&0o111 != 0) != (e.Mode == filemode.Executable) {
			return slow("%s changed mode", p)
		}
	case filemode.Symlink:
		if fi.Mode()&os.ModeSymlink == 0 {
			return slow("%s changed type", p)
		}
	default:
		return slow("%s has mode %o", p, e.Mode)
	}
	if uint32(fi.Size()) != e.Size || e.ModifiedAt.IsZero() || !fi.ModTime().Equal(e.ModifiedAt) {
		return slow("%s modified", p)
	}
	if err := sameInodeAndCtime(fi, e, w.cfg.trustCtime, p); err != nil {
		return err
	}
	if !fi.ModTime().Before(w.idxMtime) {
		// Racily clean: the file may have changed in the same clock tick
		// the index was written (file times are only as fine as the
		// kernel's coarse clock), so stat data proves nothing. Git then
		// compares contents; so do we, for small files.
		return w.sameContent(p, e, fi)
	}
	return nil
}

// sameContent hashes a racily clean file as a git blob and compares it with
// the index. Content filters (autocrlf, eol, .gitattributes) would make the
// work-tree bytes differ from the blob legitimately, so with any of them
// configured the question goes to git.
func (w *walker) sameContent(p string, e *index.Entry, fi os.FileInfo) error {
	if w.cfg.filters || !fi.Mode().IsRegular() || fi.Size() > w.racyBudget {
		return slow("%s is racily clean", p)
	}
	b, err := os.ReadFile(filepath.Join(w.root, filepath.FromSlash(p)))
	if err != nil || int64(len(b)) != fi.Size() {
		return slow("%s changed while reading", p)
	}
	w.racyBudget -= int64(len(b))
	if plumbing.ComputeHash(plumbing.BlobObject, b) != e.Hash {
		return slow("%s modified", p)
	}
	return nil
}
