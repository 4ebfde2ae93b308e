package quickstatus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// ErrSlowPath means the repository is not trivially clean, or is outside
// what this package understands; ask git instead.
var ErrSlowPath = errors.New("quickstatus: needs git")

func slow(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSlowPath, fmt.Sprintf(format, args...))
}

// settings are the parts of git's configuration that change what "clean"
// means.
type settings struct {
	cfg        *gitobj.Config
	fileMode   bool
	trustCtime bool
	// filters is true when content conversion is configured (autocrlf,
	// eol, filter drivers, attributes), so work-tree bytes may differ
	// from blobs.
	filters     bool
	commitGraph bool
}

// Read returns the status of the work tree at dir when it is clean (no
// staged, unstaged, untracked or conflicted paths) and HEAD is in sync with
// its upstream (or has none, or its upstream is gone). Otherwise it returns
// an error wrapping ErrSlowPath.
func Read(dir string) (git.Status, error) { return read(dir, false) }

// ReadFresh is Read for a work tree that was just checked out by a clone
// nobody else has seen yet (it landed by rename from a private temporary
// directory): the work tree and index are known to match HEAD, so only
// refs, upstream and stash are read. Comparing a fresh checkout would be
// the most expensive case of all, since every file is racily clean.
func ReadFresh(dir string) (git.Status, error) { return read(dir, true) }

func read(dir string, fresh bool) (git.Status, error) {
	var st git.Status
	// A linked worktree (a .git file) reads its HEAD and index from its
	// own git directory and the rest from the common one, as git does. A
	// submodule's repository has core.worktree set, which readConfig
	// leaves to git; so are non-repositories, which git explains.
	r, err := gitobj.Open(dir)
	if err != nil {
		return st, slow("%v", err)
	}
	cfg, err := readConfig(r)
	if err != nil {
		return st, err
	}
	head, err := gitobj.ReadHead(r)
	if err != nil {
		return st, slow("%v", err)
	}
	if head.SHA == "" {
		return st, slow("unborn branch") // git says "no commits yet"
	}
	st.Branch, st.Detached = head.Branch, head.Detached
	// A replace ref changes which commit (and tree) HEAD means to git,
	// and what the ahead/behind walk sees.
	if replace, err := gitobj.RefsUnder(r.CommonDir, "refs/replace/"); err != nil || len(replace) > 0 {
		return st, slow("replace refs")
	}

	commit, tree, err := readCommit(r.CommonDir, head.SHA)
	if err != nil {
		return st, err
	}
	st.Head = commit

	if !fresh {
		if err := checkClean(dir, r, tree, cfg); err != nil {
			return st, err
		}
	}
	if !st.Detached {
		if err := upstream(r, cfg, &st, head.SHA); err != nil {
			return st, err
		}
	}
	if st.Stash, err = gitobj.StashCount(r); err != nil {
		return st, slow("%v", err)
	}
	return st, nil
}

// readConfig reads the configuration git would (system, global, the
// repository's; includes send the question to git) and refuses anything
// that could change the meaning of "clean" in ways this package does not
// model.
func readConfig(r gitobj.Repo) (settings, error) {
	c, err := gitobj.LoadConfig(r, os.Environ())
	if err != nil {
		return settings{}, slow("%v", err)
	}
	s := settings{cfg: c}
	for _, name := range c.Names() {
		switch {
		case strings.HasPrefix(name, "filter."):
			s.filters = true
		case strings.HasPrefix(name, "extensions."):
			return s, slow("config has %s", name)
		}
	}
	if bare := c.BareNames(); len(bare) > 0 {
		// Git reads many keys as strings (core.excludesFile, user.email…)
		// and dies on a bare one; rather than list them, git decides.
		return s, slow("config key %s has no value", bare[0])
	}
	for _, k := range []string{"core.autocrlf", "core.eol", "core.attributesFile"} {
		if _, ok := c.Get(k); ok {
			s.filters = true
		}
	}
	if globalAttributes() {
		s.filters = true
	}
	if s.fileMode, err = c.Bool("core.fileMode", true); err != nil {
		return s, slow("%v", err)
	}
	if s.trustCtime, err = c.Bool("core.trustCtime", true); err != nil {
		return s, slow("%v", err)
	}
	if s.commitGraph, err = c.Bool("core.commitGraph", true); err != nil {
		return s, slow("%v", err)
	}
	for _, k := range []string{"core.bare", "core.ignoreCase", "core.sparseCheckout", "core.splitIndex"} {
		if v, err := c.Bool(k, false); err != nil || v {
			return s, slow("%s is true or unreadable", k)
		}
	}
	if v, err := c.Bool("core.symlinks", true); err != nil || !v {
		return s, slow("core.symlinks is false or unreadable")
	}
	for _, k := range []string{"core.worktree", "core.fsmonitor", "core.checkStat"} {
		if _, ok := c.Get(k); ok {
			return s, slow("%s is set", k)
		}
	}
	if v, err := c.Int("core.repositoryFormatVersion", 0); err != nil || (v != 0 && v != 1) {
		return s, slow("repository format %d", v)
	}
	return s, nil
}

// globalAttributes reports whether git's default global attributes file
// ($XDG_CONFIG_HOME/git/attributes) or the system one (/etc/gitattributes,
// unless GIT_ATTR_NOSYSTEM; the go-git backend reads the same) exists.
func globalAttributes() bool {
	if v, ok := gitobj.ParseBool(os.Getenv("GIT_ATTR_NOSYSTEM")); !ok || !v {
		if _, err := os.Stat("/etc/gitattributes"); err == nil {
			return true
		}
	}
	xdg := os.Getenv("XDG_CONFIG_HOME")
	if xdg == "" {
		home := os.Getenv("HOME")
		if home == "" {
			return false
		}
		xdg = filepath.Join(home, ".config")
	}
	_, err := os.Stat(filepath.Join(xdg, "git", "attributes"))
	return err == nil
}

// upstream fills Upstream, UpstreamGone and Ahead/Behind when the branch
// tracks a remote branch configured the ordinary way; unusual
// configurations go to git.
func upstream(r gitobj.Repo, s settings, st *git.Status, headSHA string) error {
	c := s.cfg
	remote, _ := c.Get("branch." + st.Branch + ".remote")
	merges := c.GetAll("branch." + st.Branch + ".merge")
	if remote == "" || len(merges) == 0 {
		return nil // no upstream: a state of its own, nothing to compare
	}
	if len(merges) != 1 {
		// Git takes the first of several merge values; rather than model
		// that, such a branch is left to git.
		return slow("branch %s has %d merge values", st.Branch, len(merges))
	}
	if remote == "." {
		return slow("branch tracks a local branch")
	}
	name, ok := strings.CutPrefix(merges[0], "refs/heads/")
	if !ok || strings.ContainsAny(remote, "/:") {
		return slow("branch merges %s from %s", merges[0], remote)
	}
	if url, _ := c.Get("remote." + remote + ".url"); url == "" {
		return slow("remote %s has no url", remote)
	}
	specs := c.GetAll("remote." + remote + ".fetch")
	if len(specs) != 1 || specs[0] != "+refs/heads/*:refs/remotes/"+remote+"/*" {
		return slow("remote %s has a custom fetch refspec", remote)
	}
	st.Upstream = remote + "/" + name
	sha, found, err := gitobj.ResolveRef(r, "refs/remotes/"+remote+"/"+name)
	if err != nil {
		return slow("%v", err) // unreadable is not absent: "gone" would be a guess
	}
	if !found {
		st.UpstreamGone = true
		return nil
	}
	if sha != headSHA {
		st.Ahead, st.Behind, err = aheadBehind(r, s, headSHA, sha)
	}
	return err
}

// checkIndexEntries refuses index features that need git's judgement.
func checkIndexEntries(idx *gitobj.Index) error {
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch {
		case e.Stage != 0:
			return slow("unmerged path %s", e.Name)
		case e.SkipWorktree || e.Intent:
			return slow("sparse or intent-to-add entry %s", e.Name)
		}
	}
	return nil
}

// checkClean proves that nothing is staged (the index's tree is HEAD's
// tree) and nothing changed or appeared in the work tree.
func checkClean(dir string, r gitobj.Repo, tree plumbing.Hash, cfg settings) error {
	idx, err := gitobj.ReadIndex(r.GitDir)
	if err != nil {
		return slow("%v", err)
	}
	if err := checkIndexEntries(idx); err != nil {
		return err
	}
	if plumbing.Hash(idx.TreeHash()) != tree {
		return slow("index differs from HEAD (staged changes)")
	}
	return checkWorkTree(dir, r, idx, cfg)
}
