package workspace

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// DefaultMaxDepth is the discovery depth used when Options.MaxDepth is 0.
const DefaultMaxDepth = 6

// TempCloneMarker is part of the name of the temporary sibling directory a
// clone is made in before it is renamed into place
// (".<name>.mgit-clone-<pid>-<random>"). Discovery never reports or descends
// into such a directory, even when it is left behind by a crashed run.
const TempCloneMarker = ".mgit-clone-"

// OldCloneMarker is part of the name a replaced clone is moved to while
// --update-mode force swaps in a fresh one (".<name>.mgit-old-<random>").
const OldCloneMarker = ".mgit-old-"

// skipDir reports whether discovery must not descend into a directory named
// name. Hidden directories cover caches (.cache, .npm), mgit's own temporary
// clones and the .git directories themselves.
func skipDir(name string) bool {
	switch name {
	case "node_modules", "vendor":
		return true
	}
	return strings.HasPrefix(name, ".") ||
		strings.Contains(name, TempCloneMarker) || strings.Contains(name, OldCloneMarker)
}

// Discover finds the git repositories under root, sorted by Rel.
//
// A directory holding a .git directory is a KindRepo and its work tree is not
// searched further (with IncludeSubmodules its .gitmodules is read to find the
// submodules, instead of walking the whole work tree). A .git file is read: a
// gitdir inside ".../worktrees/" is a KindWorktree, inside ".../modules/" a
// KindSubmodule, anything else (git clone --separate-git-dir) a KindRepo.
//
// node_modules, vendor and hidden directories are skipped, and so are
// symbolic links: discovery never follows a symlinked directory, which is
// what makes symlink loops impossible without tracking device/inode pairs.
// A root that is itself a symlink is followed (it is what the user named).
//
// A directory that cannot be read is skipped; the repositories found are
// still returned, together with an error joining every such failure. Only a
// root that cannot be read, or a cancelled ctx, yields no repositories.
func Discover(ctx context.Context, root string, opt Options) ([]Repo, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", root, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("discover %s: not a directory", root)
	}
	maxDepth := opt.MaxDepth
	switch {
	case maxDepth == 0:
		maxDepth = DefaultMaxDepth
	case maxDepth < 0:
		maxDepth = 0
	}
	w := walker{ctx: ctx, root: abs, opt: opt, maxDepth: maxDepth}
	w.visit(abs, 0)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("discover %s: %w", root, err)
	}
	if len(w.repos) == 0 && opt.FindEnclosing {
		if top, kind, ok := enclosing(abs, opt.Ceilings); ok {
			return []Repo{{Path: top, Rel: ".", Kind: kind, Enclosing: true}}, errors.Join(w.errs...)
		}
	}
	sort.Slice(w.repos, func(i, j int) bool { return w.repos[i].Rel < w.repos[j].Rel })
	return w.repos, errors.Join(w.errs...)
}

type walker struct {
	ctx      context.Context
	root     string
	opt      Options
	maxDepth int
	repos    []Repo
	errs     []error
}

func (w *walker) add(dir string, kind Kind) {
	rel, err := filepath.Rel(w.root, dir)
	if err != nil {
		rel = dir
	}
	w.repos = append(w.repos, Repo{Path: dir, Rel: filepath.ToSlash(rel), Kind: kind})
}

// visit examines dir (depth levels below the root). It probes dir/.git with
// one Lstat first: a repository's work tree can be large, and it is never
// listed unless it turns out not to be a repository.
func (w *walker) visit(dir string, depth int) {
	if w.ctx.Err() != nil {
		return
	}
	if kind, ok := w.probe(dir, depth == 0); ok {
		if kind != "" {
			w.add(dir, kind)
		}
		if w.opt.IncludeSubmodules && kind != KindWorktree {
			w.submodules(dir)
		}
		return
	}
	if depth >= w.maxDepth {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		w.errs = append(w.errs, fmt.Errorf("discover: %w", err))
		return
	}
	for _, d := range entries {
		// d.Type() comes from the directory listing: no stat per entry, and a
		// symlink reports ModeSymlink, so symlinked directories are skipped.
		if !d.IsDir() || skipDir(d.Name()) {
			continue
		}
		w.visit(filepath.Join(dir, d.Name()), depth+1)
	}
}

// probe reports whether dir is (the work tree of) a repository and of which
// kind. ok with an empty kind means "a work tree, but not one to report"
// (a worktree or submodule that Options excludes): it is still not searched.
// The root is always reported: the user named it.
func (w *walker) probe(dir string, isRoot bool) (kind Kind, ok bool) {
	gitPath := filepath.Join(dir, ".git")
	fi, err := os.Lstat(gitPath)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.errs = append(w.errs, fmt.Errorf("discover: %w", err))
		}
		return "", false
	}
	if fi.IsDir() {
		return KindRepo, true
	}
	if !fi.Mode().IsRegular() {
		return "", false
	}
	gitdir, err := gitobj.ReadGitFile(gitPath)
	if err != nil {
		w.errs = append(w.errs, fmt.Errorf("discover: %w", err))
		return "", true
	}
	switch kind := gitdirKind(gitdir); {
	case isRoot:
		return kind, true
	case kind == KindWorktree:
		if w.opt.IncludeWorktrees {
			return kind, true
		}
		return "", true
	case kind == KindSubmodule:
		if w.opt.IncludeSubmodules {
			return kind, true
		}
		return "", true
	default:
		return kind, true
	}
}

// submodules reports the submodules listed in repo's .gitmodules that are
// checked out (have a .git), recursively.
func (w *walker) submodules(repo string) {
	paths, err := submodulePaths(filepath.Join(repo, ".gitmodules"))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.errs = append(w.errs, fmt.Errorf("discover: %w", err))
		}
		return
	}
	for _, p := range paths {
		dir := filepath.Join(repo, filepath.FromSlash(p))
		// A .gitmodules path is data from the repository: never follow it
		// outside the work tree, by ".." or through a symbolic link.
		if !insideWorkTree(repo, dir) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err != nil {
			continue // not initialised
		}
		w.add(dir, KindSubmodule)
		w.submodules(dir)
	}
}

// gitdirKind classifies the target of a .git file by what git finds there,
// not by how its path is spelled (a --separate-git-dir may well live in a
// directory called "worktrees"): a linked worktree's git directory has a
// "commondir" file; a submodule's, under a parent's "modules/", has
// core.worktree set (git sets it when it moves the repository there).
func gitdirKind(gitdir string) Kind {
	if _, err := os.Stat(filepath.Join(gitdir, "commondir")); err == nil {
		return KindWorktree
	}
	if strings.Contains(filepath.ToSlash(gitdir), "/modules/") && hasCoreWorktree(gitdir) {
		return KindSubmodule
	}
	return KindRepo
}

func hasCoreWorktree(gitdir string) bool {
	b, err := os.ReadFile(filepath.Join(gitdir, "config"))
	if err != nil {
		return false
	}
	cfg, err := gitobj.ParseConfig(b)
	if err != nil {
		return false
	}
	_, ok := cfg.Get("core.worktree")
	return ok
}

// insideWorkTree reports whether dir lies in repo's work tree without
// passing a symbolic link, as git requires of a submodule's path.
func insideWorkTree(repo, dir string) bool {
	rel, err := filepath.Rel(repo, dir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	p := repo
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, c)
		if fi, err := os.Lstat(p); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// submodulePaths returns the submodule.<name>.path values of a .gitmodules
// file (git config syntax, read by gitobj).
func submodulePaths(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cfg, err := gitobj.ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var paths []string
	for _, name := range cfg.Names() {
		if strings.HasPrefix(name, "submodule.") && strings.HasSuffix(name, ".path") {
			if v, _ := cfg.Get(name); v != "" {
				paths = append(paths, v)
			}
		}
	}
	return paths, nil
}
