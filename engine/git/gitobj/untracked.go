package gitobj

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Untracked lists what `git status --untracked-files=normal` lists as
// untracked in the work tree of r: files in no index entry and not
// ignored, and each outermost directory holding no tracked file as "dir/"
// when it holds something git would show (an untracked file, or a nested
// repository). tracked holds the index's paths; the ignore rules are the
// work tree's .gitignore files (not followed when symbolic links, as git
// 2.32+), info/exclude and the global excludes file (core.excludesFile,
// else $XDG_CONFIG_HOME/git/ignore) found through cfg and env.
func Untracked(r Repo, cfg *Config, env []string, tracked []string) ([]string, error) {
	var lists []IgnoreList
	if b, err := os.ReadFile(filepath.Join(r.CommonDir, "info", "exclude")); err == nil {
		l, err := ParseIgnore(b, "")
		if err != nil {
			return nil, err
		}
		lists = append(lists, l)
	}
	if p := ExcludesFile(cfg, env); p != "" {
		if !filepath.IsAbs(p) {
			// git opens a relative path from where it runs: the top
			// of the work tree.
			p = filepath.Join(r.WorkTree, p)
		}
		if b, err := os.ReadFile(p); err == nil {
			l, err := ParseIgnore(b, "")
			if err != nil {
				return nil, err
			}
			lists = append(lists, l)
		}
	}
	u := &untrackedWalk{ig: NewIgnore(lists...), tracked: map[string]bool{}, dirs: map[string]bool{}}
	for _, p := range tracked {
		u.tracked[p] = true
		for d := p; ; {
			i := strings.LastIndexByte(d, '/')
			if i < 0 {
				break
			}
			d = d[:i]
			if u.dirs[d] {
				break
			}
			u.dirs[d] = true
		}
	}
	if err := u.walk("", r.WorkTree); err != nil {
		return nil, err
	}
	sort.Strings(u.out)
	return u.out, nil
}

// ExcludesFile is git's core.excludesFile with its default
// ($XDG_CONFIG_HOME/git/ignore), "~/" expanded; "" when there is none. A
// relative path is relative to the top of the work tree (git's working
// directory), which the caller joins.
func ExcludesFile(cfg *Config, env []string) string {
	get := func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if key, v, _ := strings.Cut(env[i], "="); key == k {
				return v
			}
		}
		return ""
	}
	home := get("HOME")
	if p, ok := cfg.Get("core.excludesFile"); ok {
		if rest, ok := strings.CutPrefix(p, "~/"); ok && home != "" {
			return filepath.Join(home, rest)
		}
		return p
	}
	xdg := get("XDG_CONFIG_HOME")
	if xdg == "" {
		if home == "" {
			return ""
		}
		xdg = filepath.Join(home, ".config")
	}
	return filepath.Join(xdg, "git", "ignore")
}

type untrackedWalk struct {
	ig      *Ignore
	tracked map[string]bool // index paths
	dirs    map[string]bool // directories holding an index path
	out     []string
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// pushIgnore reads dir's .gitignore into the lists; the returned function
// removes it again.
func (u *untrackedWalk) pushIgnore(rel, abs string) (func(), error) {
	var list IgnoreList
	p := filepath.Join(abs, ".gitignore")
	if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", p, err)
		}
		base := ""
		if rel != "" {
			base = rel + "/"
		}
		if list, err = ParseIgnore(b, base); err != nil {
			return nil, err
		}
	}
	u.ig.Push(list)
	return u.ig.Pop, nil
}

// walk visits a directory that holds tracked paths (or the top).
func (u *untrackedWalk) walk(rel, abs string) error {
	ents, err := os.ReadDir(abs)
	if err != nil {
		return fmt.Errorf("read %s: %w", abs, err)
	}
	pop, err := u.pushIgnore(rel, abs)
	if err != nil {
		return err
	}
	defer pop()
	for _, d := range ents {
		name := d.Name()
		if name == ".git" {
			continue // git skips every .git entry
		}
		p := join(rel, name)
		if u.tracked[p] {
			continue // a tracked file, or a submodule's directory
		}
		childAbs := filepath.Join(abs, name)
		if d.IsDir() {
			if u.ig.Excluded(p, true) {
				// Nothing below an ignored directory is shown, tracked
				// files there or not.
				continue
			}
			if u.dirs[p] {
				if err := u.walk(p, childAbs); err != nil {
					return err
				}
				continue
			}
			show, err := u.shows(p, childAbs)
			if err != nil {
				return err
			}
			if show {
				u.out = append(u.out, p+"/")
			}
			continue
		}
		if !u.ig.Excluded(p, false) {
			u.out = append(u.out, p)
		}
	}
	return nil
}

// shows reports whether git shows the untracked, not ignored directory p:
// a nested repository always, otherwise when something in it would be
// shown.
func (u *untrackedWalk) shows(rel, abs string) (bool, error) {
	if fi, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
		if nestedRepo(filepath.Join(abs, ".git"), fi) {
			return true, nil
		}
		// Not a repository to git: an ordinary directory, whose .git
		// entry is skipped like every other.
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("%s: %w", abs, ErrNeedGit)
	}
	ents, err := os.ReadDir(abs)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", abs, err)
	}
	pop, err := u.pushIgnore(rel, abs)
	if err != nil {
		return false, err
	}
	defer pop()
	for _, d := range ents {
		p := join(rel, d.Name())
		if d.Name() == ".git" {
			continue
		}
		if d.IsDir() {
			if u.ig.Excluded(p, true) {
				continue
			}
			show, err := u.shows(p, filepath.Join(abs, d.Name()))
			if err != nil || show {
				return show, err
			}
			continue
		}
		if !u.ig.Excluded(p, false) {
			return true, nil
		}
	}
	return false, nil
}

// nestedRepo is git's is_nonbare_repository_dir for the ".git" entry g: a
// directory with a repository's shape, or a gitdir file naming one (or one
// git could not open or read, which it counts too).
func nestedRepo(g string, fi fs.FileInfo) bool {
	switch {
	case fi.IsDir():
	case fi.Mode().IsRegular():
		target, err := ReadGitFile(g)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return true
		}
		if err != nil {
			return false
		}
		g = target
	default:
		return true // a symbolic link: rare, and showing it is the safe side
	}
	common, err := commonDir(g)
	if err != nil {
		return true
	}
	return isGitDir(g, common)
}
