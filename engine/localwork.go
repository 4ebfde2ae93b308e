package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// Local work is everything in a clone that a fresh clone of its remote
// would not bring back. It is found in three places:
//
//   - the backend (git.LocalWorkFinder): changed, untracked, ignored and
//     excluded files; index entries marked assume-unchanged or
//     skip-worktree; and, compared with the fresh clone, refs whose target
//     the remote lacks — unpushed commits, local branches, a branch whose
//     server branch was deleted (a stale origin/x is not the remote),
//     commits only a local tag reaches, tags and notes not on the remote,
//     the stash, a detached HEAD;
//   - Status: stash entries and unpushed commits, for the message;
//   - plain files under the git directory (fileWork): linked worktrees,
//     hooks, .git/info (exclude patterns, attributes, sparse-checkout),
//     submodule repositories, and config that clone does not write —
//     extra remotes, user settings, per-worktree config.
//
// Before cloning (fresh == "") refs cannot be compared yet; the check after
// the clone, just before the swap, is the complete one.

// checkNoLocalWork refuses, with an error wrapping git.ErrLocalChanges, to
// let --update-mode force replace a clone that holds local work. fresh is
// the fresh clone to compare with, or "" for the cheaper check before
// cloning.
func (x *opExec) checkNoLocalWork(dest, fresh string) error {
	ctx, cancel := context.WithTimeout(x.r.ctx, x.r.e.cfg.StatusTimeout)
	defer cancel()
	reasons, err := x.localWork(ctx, dest, fresh)
	if err != nil {
		return fmt.Errorf("clone %s: cannot check %s for local work, not replacing it: %w", x.jb.Repo.ID, dest, err)
	}
	if len(reasons) == 0 {
		return nil
	}
	return fmt.Errorf("clone %s: refusing to replace %s: it has %s (pass --discard-local-changes to replace it anyway; the old clone is then kept under %s): %w",
		x.jb.Repo.ID, dest, strings.Join(reasons, "; "), trashDirFor(x.jb.Repo), git.ErrLocalChanges)
}

// localWork lists, for people, the kinds of local work in the clone at
// dest; none means a fresh clone restores everything.
func (x *opExec) localWork(ctx context.Context, dest, fresh string) ([]string, error) {
	finder, ok := x.backend().(git.LocalWorkFinder)
	if !ok {
		return nil, fmt.Errorf("the %s backend cannot list local work: %w", x.backend().Name(), git.ErrUnsupported)
	}
	st, err := x.backend().Status(ctx, dest)
	if err != nil {
		return nil, err
	}
	var reasons []string
	if st.Stash > 0 {
		reasons = append(reasons, fmt.Sprintf("%d stash entries", st.Stash))
	}
	if st.Ahead > 0 {
		reasons = append(reasons, fmt.Sprintf("%d unpushed commits on %s", st.Ahead, st.Branch))
	}
	if st.AheadBehindCapped {
		reasons = append(reasons, fmt.Sprintf("commits on %s that may be unpushed (too many to count)", st.Branch))
	}
	w, err := finder.LocalWork(ctx, dest, fresh)
	if err != nil {
		return nil, err
	}
	reasons = appendList(reasons, "changed files", w.NChanged, w.Changed)
	reasons = appendList(reasons, "untracked files", w.NUntracked, w.Untracked)
	reasons = appendList(reasons, "ignored or excluded files", w.NIgnored, w.Ignored)
	reasons = appendList(reasons, "files marked assume-unchanged or skip-worktree", w.NFlagged, w.Flagged)
	reasons = appendList(reasons, "refs the remote does not have", w.NRefs, w.Refs)
	more, err := fileWork(dest, fresh)
	if err != nil {
		return nil, err
	}
	return append(reasons, more...), nil
}

func appendList(reasons []string, what string, n int, names []string) []string {
	if n == 0 {
		return reasons
	}
	s := fmt.Sprintf("%d %s (%s", n, what, strings.Join(names, ", "))
	if n > len(names) {
		s += ", …"
	}
	return append(reasons, s+")")
}

// fileWork finds the local work kept in plain files of the git directory.
func fileWork(dest, fresh string) ([]string, error) {
	common, err := gitobj.CommonDir(dest)
	if err != nil {
		return nil, err
	}
	var reasons []string
	if wts, _ := readDirNames(filepath.Join(common, "worktrees")); len(wts) > 0 {
		reasons = append(reasons, "linked worktrees ("+strings.Join(wts, ", ")+")")
	}
	if hooks, _ := readDirNames(filepath.Join(common, "hooks")); len(hooks) > 0 {
		var own []string
		for _, h := range hooks {
			if !strings.HasSuffix(h, ".sample") {
				own = append(own, h)
			}
		}
		if len(own) > 0 {
			reasons = append(reasons, "hooks ("+strings.Join(own, ", ")+")")
		}
	}
	if info, _ := readDirNames(filepath.Join(common, "info")); len(info) > 0 {
		var own []string
		for _, n := range info {
			if n != "exclude" || hasPatterns(filepath.Join(common, "info", n)) {
				own = append(own, ".git/info/"+n)
			}
		}
		if len(own) > 0 {
			reasons = append(reasons, "repository settings ("+strings.Join(own, ", ")+")")
		}
	}
	if mods, _ := readDirNames(filepath.Join(common, "modules")); len(mods) > 0 {
		reasons = append(reasons, "submodule repositories in .git/modules ("+strings.Join(mods, ", ")+")")
	}
	if _, err := os.Lstat(filepath.Join(common, "config.worktree")); err == nil {
		reasons = append(reasons, "per-worktree config (.git/config.worktree)")
	}
	cfg, err := localConfig(common, fresh)
	if err != nil {
		return nil, err
	}
	if len(cfg) > 0 {
		reasons = append(reasons, "local config ("+strings.Join(cfg, ", ")+")")
	}
	return reasons, nil
}

// readDirNames lists a directory, sorted; a missing one is empty.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

// hasPatterns reports whether an exclude file holds anything but the
// comments git's template writes.
func hasPatterns(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return true // unreadable: assume the worst
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			return true
		}
	}
	return sc.Err() != nil
}

// cloneWrites says whether clone itself writes key (section.sub.key, lower
// case section and key) with value, so that it differs between two clones
// without being anyone's work: the core settings git probes for, origin's
// URL and refspec, and branch tracking to origin (the branch itself is
// checked as a ref).
func cloneWrites(section, sub, key, value string) bool {
	switch section {
	case "core":
		switch key {
		case "repositoryformatversion", "filemode", "bare", "logallrefupdates",
			"ignorecase", "precomposeunicode", "symlinks":
			return true
		}
	case "remote":
		return sub == "origin" && (key == "url" || key == "fetch" || key == "mirror")
	case "branch":
		return (key == "remote" && value == "origin") || (key == "merge" && strings.HasPrefix(value, "refs/heads/"))
	}
	return false
}

// localConfig lists the settings of the repository's own config that a
// fresh clone (fresh, or clone's known writes when fresh is "") does not
// have: extra remotes, user.*, aliases, credential helpers, anything.
func localConfig(common, fresh string) ([]string, error) {
	old, err := configEntries(filepath.Join(common, "config"))
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	if fresh != "" {
		fc, err := gitobj.CommonDir(fresh)
		if err != nil {
			return nil, err
		}
		entries, err := configEntries(filepath.Join(fc, "config"))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			have[e.String()] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range old {
		if have[e.String()] || cloneWrites(e.section, e.sub, e.key, e.value) {
			continue
		}
		name := e.name()
		if e.section == "remote" && e.sub != "origin" {
			name = "remote " + e.sub
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, nil
}

type configEntry struct{ section, sub, key, value string }

func (e configEntry) name() string {
	if e.sub == "" {
		return e.section + "." + e.key
	}
	return e.section + "." + e.sub + "." + e.key
}

func (e configEntry) String() string { return e.name() + "=" + e.value }

// configEntries reads every setting of one config file, sections and keys
// lower-cased as git compares them. An include is local config by itself.
func configEntries(path string) ([]configEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	c := config.New()
	if err := config.NewDecoder(bufio.NewReader(f)).Decode(c); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var out []configEntry
	for _, s := range c.Sections {
		sec := strings.ToLower(s.Name)
		for _, o := range s.Options {
			out = append(out, configEntry{sec, "", strings.ToLower(o.Key), o.Value})
		}
		for _, ss := range s.Subsections {
			for _, o := range ss.Options {
				out = append(out, configEntry{sec, ss.Name, strings.ToLower(o.Key), o.Value})
			}
		}
	}
	return out, nil
}
