package cli

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/config"
)

// This file reads, in-process, the few facts Fetch and Pull need before and
// after running git: where the git directory is, what HEAD is, the values of
// refs, and configuration. Each of those used to cost a `git rev-parse`
// process. It answers only when it is sure it answers what git would; any
// doubt (reftable, includes, symbolic refs, unusual layouts, configuration
// in the environment) is reported as errDoubt and the caller asks git.

// errDoubt means "ask git": the in-process reader is not sure.
var errDoubt = errors.New("in-process read unsure; ask git")

// repoDirs locates a work tree's repository: gitDir holds HEAD (per
// worktree); common holds refs, packed-refs, config and objects (shared by
// linked worktrees; the same as gitDir otherwise).
type repoDirs struct {
	gitDir, common string
}

// findRepo resolves dir/.git, a directory or a "gitdir:" file (linked
// worktrees, submodules), and the commondir file of a linked worktree.
func findRepo(dir string) (repoDirs, error) {
	gitDir := filepath.Join(dir, ".git")
	fi, err := os.Stat(gitDir)
	if err != nil {
		return repoDirs{}, errDoubt
	}
	if !fi.IsDir() {
		b, err := os.ReadFile(gitDir)
		if err != nil {
			return repoDirs{}, errDoubt
		}
		p, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
		if !ok {
			return repoDirs{}, errDoubt
		}
		gitDir = strings.TrimSpace(p)
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(dir, gitDir)
		}
		if fi, err := os.Stat(gitDir); err != nil || !fi.IsDir() {
			return repoDirs{}, errDoubt
		}
	}
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return repoDirs{}, errDoubt
	}
	// A reftable repository (newer git) has no loose refs to read.
	if _, err := os.Stat(filepath.Join(common, "reftable")); err == nil {
		return repoDirs{}, errDoubt
	}
	return repoDirs{gitDir: gitDir, common: common}, nil
}

// readHead returns the branch HEAD points at (without refs/heads/) and its
// commit, "" for an unborn branch; or, for a detached HEAD, branch "" and
// the commit.
func readHead(r repoDirs) (branch, sha string, err error) {
	b, err := os.ReadFile(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return "", "", errDoubt
	}
	v := strings.TrimSpace(string(b))
	ref, symbolic := strings.CutPrefix(v, "ref: ")
	if !symbolic {
		if !isSHA1(v) {
			return "", "", errDoubt
		}
		return "", v, nil
	}
	branch, ok := strings.CutPrefix(ref, "refs/heads/")
	if !ok || branch == "" {
		return "", "", errDoubt
	}
	sha, found, err := readRef(r, ref)
	if err != nil {
		return "", "", err
	}
	if !found {
		return branch, "", nil
	}
	return branch, sha, nil
}

// readRef returns the commit a ref under refs/heads/ or refs/remotes/ names,
// from its loose file in the common directory or else from packed-refs;
// found is false when neither has it. Symbolic refs are left to git.
func readRef(r repoDirs, ref string) (sha string, found bool, err error) {
	if !strings.HasPrefix(ref, "refs/heads/") && !strings.HasPrefix(ref, "refs/remotes/") {
		return "", false, errDoubt
	}
	for _, part := range strings.Split(ref, "/") {
		if part == "" || part == "." || part == ".." {
			return "", false, errDoubt
		}
	}
	b, err := os.ReadFile(filepath.Join(r.common, filepath.FromSlash(ref)))
	switch {
	case err == nil:
		v := strings.TrimSpace(string(b))
		if !isSHA1(v) {
			return "", false, errDoubt // symbolic, or not a SHA-1 id
		}
		return v, true, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", false, errDoubt // a directory, unreadable, …
	}
	packed, err := os.ReadFile(filepath.Join(r.common, "packed-refs"))
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, errDoubt
	}
	for line := range bytes.Lines(packed) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) > 41 && line[40] == ' ' && string(line[41:]) == ref {
			v := string(line[:40])
			if !isSHA1(v) {
				return "", false, errDoubt
			}
			return v, true, nil
		}
	}
	return "", false, nil
}

func isSHA1(s string) bool {
	if len(s) != 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// configView is git's configuration as one process would see it: system,
// global, then the repository's own file, later values winning. It refuses
// (errDoubt) whatever it cannot model: include directives anywhere,
// [extensions] in the repository (reftable, per-worktree config), and
// configuration passed in the environment.
type configView struct {
	files []*config.Config
}

// loadConfig reads the configuration files git would read for the
// repository r, with env the environment git will run with.
func loadConfig(r repoDirs, env []string) (configView, error) {
	get := func(k string) (string, bool) {
		for i := len(env) - 1; i >= 0; i-- {
			if key, v, _ := strings.Cut(env[i], "="); key == k {
				return v, true
			}
		}
		return "", false
	}
	if v, _ := get("GIT_CONFIG_PARAMETERS"); v != "" {
		return configView{}, errDoubt
	}
	if v, _ := get("GIT_CONFIG_COUNT"); v != "" && v != "0" {
		return configView{}, errDoubt
	}
	var paths []string
	if v, _ := get("GIT_CONFIG_NOSYSTEM"); !gitTrue(v) {
		if p, ok := get("GIT_CONFIG_SYSTEM"); ok {
			paths = append(paths, p)
		} else {
			paths = append(paths, "/etc/gitconfig")
		}
	}
	if p, ok := get("GIT_CONFIG_GLOBAL"); ok {
		paths = append(paths, p)
	} else {
		home, _ := get("HOME")
		xdg, _ := get("XDG_CONFIG_HOME")
		if xdg == "" && home != "" {
			xdg = filepath.Join(home, ".config")
		}
		if xdg != "" {
			paths = append(paths, filepath.Join(xdg, "git", "config"))
		}
		if home != "" {
			paths = append(paths, filepath.Join(home, ".gitconfig"))
		}
	}
	var v configView
	for _, p := range paths {
		if p == "" {
			continue
		}
		c, err := parseConfigFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return configView{}, err
		}
		v.files = append(v.files, c)
	}
	repo, err := parseConfigFile(filepath.Join(r.common, "config"))
	if err != nil {
		return configView{}, errDoubt
	}
	for _, s := range repo.Sections {
		if s.IsName("extensions") {
			return configView{}, errDoubt
		}
	}
	v.files = append(v.files, repo)
	return v, nil
}

// parseConfigFile parses one configuration file; os.ErrNotExist passes
// through, every other failure is errDoubt.
func parseConfigFile(path string) (*config.Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, errDoubt
	}
	defer f.Close()
	c := config.New()
	if err := config.NewDecoder(bufio.NewReader(f)).Decode(c); err != nil {
		return nil, errDoubt
	}
	for _, s := range c.Sections {
		if s.IsName("include") || s.IsName("includeIf") {
			return nil, errDoubt
		}
	}
	return c, nil
}

// all returns every value of section.[subsection.]key, in the order git
// reads them.
func (v configView) all(section, subsection, key string) []string {
	var out []string
	for _, c := range v.files {
		for _, s := range c.Sections {
			if !s.IsName(section) {
				continue
			}
			if subsection == "" {
				out = append(out, s.Options.GetAll(key)...)
				continue
			}
			for _, sub := range s.Subsections {
				if sub.IsName(subsection) {
					out = append(out, sub.Options.GetAll(key)...)
				}
			}
		}
	}
	return out
}

// last returns the value git uses for a single-valued key.
func (v configView) last(section, subsection, key string) (string, bool) {
	all := v.all(section, subsection, key)
	if len(all) == 0 {
		return "", false
	}
	return all[len(all)-1], true
}

// hasSection reports whether any file has the section (or any of its
// subsections).
func (v configView) hasSection(section string) bool {
	for _, c := range v.files {
		for _, s := range c.Sections {
			if s.IsName(section) {
				return true
			}
		}
	}
	return false
}

// upstreamRef returns the remote-tracking ref of branch's upstream
// (refs/remotes/<remote>/<name>) when it is configured the ordinary way:
// branch.<b>.remote names a remote whose only fetch refspec is the default
// +refs/heads/*:refs/remotes/<remote>/*, and branch.<b>.merge is one ref
// under refs/heads/. Everything else, no upstream included, is errDoubt:
// git words those errors itself.
func (v configView) upstreamRef(branch string) (string, error) {
	remote, _ := v.last("branch", branch, "remote")
	merge := v.all("branch", branch, "merge")
	if remote == "" || remote == "." || strings.ContainsAny(remote, "/:") || len(merge) != 1 {
		return "", errDoubt
	}
	name, ok := strings.CutPrefix(merge[0], "refs/heads/")
	if !ok || name == "" {
		return "", errDoubt
	}
	if url, _ := v.last("remote", remote, "url"); url == "" {
		return "", errDoubt // git would look for legacy .git/remotes files
	}
	specs := v.all("remote", remote, "fetch")
	if len(specs) != 1 || specs[0] != "+refs/heads/*:refs/remotes/"+remote+"/*" {
		return "", errDoubt
	}
	return "refs/remotes/" + remote + "/" + name, nil
}

// gitTrue reads a boolean the way git does; unset (empty) is false here
// because callers use it for environment variables.
func gitTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// gitInt reads an integer the way git_config_int does: an optional k, m or
// g suffix multiplies by 1024, 1024² or 1024³.
func gitInt(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	mult := int64(1)
	if n := len(v); n > 0 {
		switch v[n-1] {
		case 'k', 'K':
			mult, v = 1<<10, v[:n-1]
		case 'm', 'M':
			mult, v = 1<<20, v[:n-1]
		case 'g', 'G':
			mult, v = 1<<30, v[:n-1]
		}
	}
	n, err := strconv.ParseInt(v, 0, 64)
	if err != nil {
		return 0, false
	}
	return n * mult, true
}
