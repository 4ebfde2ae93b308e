package gitobj

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// This file follows include directives the way git 2.39's config.c does
// (git_config_include, handle_path_include, include_condition_is_true):
// include.path always; includeIf.<condition>.path when "gitdir:" or
// "onbranch:" holds; an unknown condition is false. "gitdir/i:" (case
// folding) and "hasconfig:remote.*.url:" are left to git (ErrNeedGit), as
// are "~user/" and "%(prefix)/" paths.

// maxIncludeDepth is git's MAX_INCLUDE_DEPTH; deeper, git dies.
const maxIncludeDepth = 10

type includer struct {
	repo  *Repo // nil: not in a repository (conditions are false)
	get   func(string) (string, bool)
	depth int
}

// ReadConfigFile reads the configuration file at path as git does for
// repository r (nil outside one), following its includes; env is the
// environment git would run with (HOME expands "~/").
func ReadConfigFile(path string, r *Repo, env []string) (*Config, error) {
	get := func(k string) (string, bool) {
		for i := len(env) - 1; i >= 0; i-- {
			if key, v, _ := strings.Cut(env[i], "="); key == k {
				return v, true
			}
		}
		return "", false
	}
	c := &Config{}
	if err := (&includer{repo: r, get: get}).addFile(c, path, false); err != nil {
		return nil, err
	}
	return c, nil
}

// addFile parses path into c, each include's entries right after its
// directive; a missing file adds nothing when optional.
func (in *includer) addFile(c *Config, path string, optional bool) error {
	b, err := os.ReadFile(path)
	if optional && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read config %s: %v: %w", path, err, ErrNeedGit)
	}
	f, err := ParseConfig(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, e := range f.entries {
		c.push(e)
		follow := e.name == "include.path"
		if cond, ok := includeIfPath(e.name); ok {
			if follow, err = in.condition(cond, path); err != nil {
				return fmt.Errorf("%s: %s: %w", path, e.name, err)
			}
		}
		if !follow {
			continue
		}
		if err := in.include(c, path, e); err != nil {
			return err
		}
	}
	return nil
}

// includeIfPath returns the condition of an "includeif.<cond>.path" name.
func includeIfPath(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "includeif.")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(rest, ".path")
}

// include is handle_path_include.
func (in *includer) include(c *Config, from string, e configEntry) error {
	if e.bare {
		return fmt.Errorf("%s: %s without a value: %w", from, e.name, ErrNeedGit)
	}
	p, err := in.expand(e.value, false)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if !filepath.IsAbs(p) {
		// git appends p to the including file's directory and lets the
		// kernel resolve "..": physically, past any symbolic link.
		p = joinPhysical(filepath.Dir(from), p)
	}
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil // git skips an include that does not exist
	} else if err != nil {
		return fmt.Errorf("include %s: %v: %w", p, err, ErrNeedGit)
	}
	if in.depth++; in.depth > maxIncludeDepth {
		return fmt.Errorf("include %s: nested more than %d deep: %w", p, maxIncludeDepth, ErrNeedGit)
	}
	defer func() { in.depth-- }()
	return in.addFile(c, p, false)
}

// expand is interpolate_path: "~/" is $HOME (its real path for include
// conditions, as git's real_home).
func (in *includer) expand(p string, realHome bool) (string, error) {
	if strings.HasPrefix(p, "%(prefix)/") {
		return "", fmt.Errorf("path %q: %w", p, ErrNeedGit)
	}
	if !strings.HasPrefix(p, "~") {
		return p, nil
	}
	rest, ok := strings.CutPrefix(p, "~/")
	if !ok && p != "~" {
		return "", fmt.Errorf("path %q: another user's home: %w", p, ErrNeedGit)
	}
	home, _ := in.get("HOME")
	if home == "" {
		return "", fmt.Errorf("path %q: no HOME: %w", p, ErrNeedGit)
	}
	if realHome {
		h, err := filepath.EvalSymlinks(home)
		if err != nil {
			return "", fmt.Errorf("path %q: %v: %w", p, err, ErrNeedGit)
		}
		home = h
	}
	if p == "~" {
		return home, nil
	}
	return home + "/" + rest, nil
}

// condition is include_condition_is_true; from is the including file.
func (in *includer) condition(cond, from string) (bool, error) {
	switch {
	case strings.HasPrefix(cond, "gitdir:"):
		return in.byGitdir(strings.TrimPrefix(cond, "gitdir:"), from)
	case strings.HasPrefix(cond, "onbranch:"):
		return in.byBranch(strings.TrimPrefix(cond, "onbranch:"))
	case strings.HasPrefix(cond, "gitdir/i:"), strings.HasPrefix(cond, "hasconfig:remote.*.url:"):
		return false, fmt.Errorf("condition %q: %w", cond, ErrNeedGit)
	}
	return false, nil // unknown conditions are false
}

// byGitdir is include_by_gitdir without case folding.
func (in *includer) byGitdir(pat, from string) (bool, error) {
	if in.repo == nil {
		return false, nil
	}
	pat, err := in.expand(pat, true)
	if err != nil {
		return false, err
	}
	prefix := 0
	if strings.HasPrefix(pat, "./") {
		real, err := filepath.EvalSymlinks(from)
		if err != nil {
			return false, fmt.Errorf("real path of %s: %v: %w", from, err, ErrNeedGit)
		}
		dir := filepath.Dir(real)
		pat = dir + pat[1:]
		prefix = len(dir) + 1
	} else if !filepath.IsAbs(pat) {
		pat = "**/" + pat
	}
	if strings.HasSuffix(pat, "/") {
		pat += "**"
	}
	real, err := filepath.EvalSymlinks(in.repo.GitDir)
	if err != nil {
		return false, fmt.Errorf("real path of %s: %v: %w", in.repo.GitDir, err, ErrNeedGit)
	}
	abs, err := filepath.Abs(in.repo.GitDir)
	if err != nil {
		return false, fmt.Errorf("%v: %w", err, ErrNeedGit)
	}
	// git tries the absolute path first, then the real one, and stops at
	// a literal prefix that differs. Its absolute path is $PWD's spelling
	// when $PWD is the directory git runs in, else the physical one: with
	// a symbolic link on the way the answer can depend on the environment
	// of the process that runs git, so git is asked.
	try := func(text string) (match, stop bool) {
		if prefix > 0 && (len(text) < prefix || text[:prefix] != pat[:prefix]) {
			return false, true
		}
		return wildmatch(pat[prefix:], text[prefix:], true), false
	}
	physical, _ := try(real)
	if abs == real {
		return physical, nil
	}
	viaLink, stop := try(abs)
	if !viaLink && !stop {
		viaLink = physical
	}
	if viaLink != physical {
		return false, fmt.Errorf("includeIf gitdir:%s: %s is reached through a symbolic link: %w", pat, abs, ErrNeedGit)
	}
	return physical, nil
}

// byBranch is include_by_branch: HEAD's branch (born or not) against the
// pattern, "x/" meaning "x/**".
func (in *includer) byBranch(pat string) (bool, error) {
	if in.repo == nil {
		return false, nil
	}
	h, err := ReadHead(*in.repo)
	if err != nil {
		return false, err
	}
	if h.Detached {
		return false, nil
	}
	if strings.HasSuffix(pat, "/") {
		pat += "**"
	}
	return wildmatch(pat, h.Branch, true), nil
}
