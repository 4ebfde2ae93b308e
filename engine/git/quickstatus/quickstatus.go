package quickstatus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/config"

	"github.com/mgit-dev/mgit/engine/git"
)

// ErrSlowPath means the repository is not trivially clean, or is outside
// what this package understands; ask git instead.
var ErrSlowPath = errors.New("quickstatus: needs git")

func slow(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSlowPath, fmt.Sprintf(format, args...))
}

// settings are the parts of .git/config that change what "clean" means.
type settings struct {
	fileMode   bool
	trustCtime bool
	// filters is true when content conversion is configured (autocrlf,
	// eol, filter drivers, attributes), so work-tree bytes may differ
	// from blobs.
	filters   bool
	branches  map[string]upstreamCfg
	remotes   map[string][]string // remote name → fetch refspecs
	remoteURL map[string]bool     // remotes that have a url
}

type upstreamCfg struct {
	remote, merge string
	merges        int // how many merge values the config holds
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
	gitDir := filepath.Join(dir, ".git")
	fi, err := os.Lstat(gitDir)
	if err != nil || !fi.IsDir() {
		// Worktrees and submodules (a .git file) and non-repositories are
		// left to git, which explains them properly.
		return st, slow("no .git directory")
	}
	cfg, err := readConfig(gitDir)
	if err != nil {
		return st, err
	}

	head, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return st, slow("read HEAD: %v", err)
	}
	var headSHA string
	if ref, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: "); ok {
		branch, ok := strings.CutPrefix(ref, "refs/heads/")
		if !ok {
			return st, slow("HEAD points outside refs/heads")
		}
		st.Branch = branch
		headSHA, err = resolveRef(gitDir, ref)
		if err != nil {
			return st, err // unborn branches included: git says "no commits yet"
		}
	} else {
		headSHA = strings.TrimSpace(string(head))
		st.Detached = true
	}
	if !plumbing.IsHash(headSHA) {
		return st, slow("HEAD is not a SHA-1 commit id")
	}

	commit, tree, err := readCommit(gitDir, headSHA)
	if err != nil {
		return st, err
	}
	st.Head = commit

	if !fresh {
		if err := checkClean(dir, gitDir, tree, cfg); err != nil {
			return st, err
		}
	}

	if !st.Detached {
		if err := upstream(gitDir, cfg, &st, headSHA); err != nil {
			return st, err
		}
	}
	st.Stash, err = countStash(gitDir)
	if err != nil {
		return st, err
	}
	return st, nil
}

// readConfig reads .git/config and refuses anything that could change the
// meaning of the repository in ways this package does not model.
func readConfig(gitDir string) (settings, error) {
	s := settings{fileMode: true, trustCtime: true, branches: map[string]upstreamCfg{}, remotes: map[string][]string{}, remoteURL: map[string]bool{}}
	f, err := os.Open(filepath.Join(gitDir, "config"))
	if err != nil {
		return s, slow("read config: %v", err)
	}
	defer f.Close()
	c := config.New()
	if err := config.NewDecoder(bufio.NewReader(f)).Decode(c); err != nil {
		return s, slow("parse config: %v", err)
	}
	for _, sec := range c.Sections {
		switch strings.ToLower(sec.Name) {
		case "filter":
			s.filters = true
		case "include", "includeif", "extensions":
			return s, slow("config has [%s]", sec.Name)
		case "core":
			for _, o := range sec.Options {
				switch strings.ToLower(o.Key) {
				case "autocrlf", "eol", "attributesfile":
					s.filters = true
				case "filemode":
					s.fileMode = isTrue(o.Value)
				case "trustctime":
					s.trustCtime = isTrue(o.Value)
				case "bare", "ignorecase", "sparsecheckout", "splitindex":
					if isTrue(o.Value) {
						return s, slow("core.%s is true", o.Key)
					}
				case "symlinks":
					if !isTrue(o.Value) {
						return s, slow("core.symlinks is false")
					}
				case "worktree", "fsmonitor", "checkstat":
					return s, slow("core.%s is set", o.Key)
				case "repositoryformatversion":
					if o.Value != "0" && o.Value != "1" {
						return s, slow("repository format %s", o.Value)
					}
				}
			}
		}
		for _, sub := range sec.Subsections {
			switch strings.ToLower(sec.Name) {
			case "branch":
				// Git takes the last remote but the first merge; any
				// branch with several merge values is left to git.
				b := s.branches[sub.Name]
				if r := sub.Options.GetAll("remote"); len(r) > 0 {
					b.remote = r[len(r)-1]
				}
				b.merges += len(sub.Options.GetAll("merge"))
				if m := sub.Options.GetAll("merge"); len(m) > 0 && b.merge == "" {
					b.merge = m[0]
				}
				s.branches[sub.Name] = b
			case "remote":
				s.remotes[sub.Name] = append(s.remotes[sub.Name], sub.Options.GetAll("fetch")...)
				if sub.Options.Get("url") != "" {
					s.remoteURL[sub.Name] = true
				}
			case "includeif":
				return s, slow("config has [includeIf]")
			}
		}
	}
	return s, nil
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "true", "yes", "on", "1":
		return true
	}
	return false
}

// resolveRef reads a ref from its loose file or from packed-refs.
func resolveRef(gitDir, ref string) (string, error) {
	b, err := os.ReadFile(filepath.Join(gitDir, filepath.FromSlash(ref)))
	if err == nil {
		v := strings.TrimSpace(string(b))
		if strings.HasPrefix(v, "ref: ") {
			return "", slow("symbolic ref %s", ref)
		}
		return v, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", slow("read %s: %v", ref, err)
	}
	packed, err := os.ReadFile(filepath.Join(gitDir, "packed-refs"))
	if errors.Is(err, os.ErrNotExist) {
		return "", errRefMissing
	}
	if err != nil {
		// Unreadable is not absent: "upstream gone" would be a guess.
		return "", slow("read packed-refs: %v", err)
	}
	for line := range bytes.Lines(packed) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) > 41 && line[40] == ' ' && string(line[41:]) == ref {
			return string(line[:40]), nil
		}
	}
	return "", errRefMissing
}

var errRefMissing = fmt.Errorf("%w: ref does not exist", ErrSlowPath)

// upstream fills Upstream, UpstreamGone and decides Ahead/Behind when HEAD
// and its upstream are the same commit, else counts them with a bounded
// walk (aheadBehind); unusual configurations go to git.
func upstream(gitDir string, cfg settings, st *git.Status, headSHA string) error {
	b, ok := cfg.branches[st.Branch]
	if !ok || b.remote == "" || b.merge == "" {
		return nil // no upstream: a state of its own, nothing to compare
	}
	if b.merges != 1 {
		return slow("branch %s has %d merge values", st.Branch, b.merges)
	}
	if b.remote == "." {
		return slow("branch tracks a local branch")
	}
	name, ok := strings.CutPrefix(b.merge, "refs/heads/")
	if !ok {
		return slow("branch merges %s", b.merge)
	}
	want := "+refs/heads/*:refs/remotes/" + b.remote + "/*"
	if !cfg.remoteURL[b.remote] {
		return slow("remote %s has no url", b.remote)
	}
	specs := cfg.remotes[b.remote]
	if len(specs) != 1 || specs[0] != want {
		return slow("remote %s has a custom fetch refspec", b.remote)
	}
	st.Upstream = b.remote + "/" + name
	sha, err := resolveRef(gitDir, "refs/remotes/"+b.remote+"/"+name)
	if errors.Is(err, errRefMissing) {
		st.UpstreamGone = true
		return nil
	}
	if err != nil {
		return err
	}
	if sha != headSHA {
		if _, err := os.Stat(filepath.Join(gitDir, "shallow")); err == nil {
			return slow("shallow repository")
		}
		st.Ahead, st.Behind, err = aheadBehind(gitDir, headSHA, sha)
		return err
	}
	return nil
}

// countStash counts stash entries the way `git status --show-stash` does:
// the entries of the refs/stash reflog.
func countStash(gitDir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(gitDir, "logs", "refs", "stash"))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, slow("read stash log: %v", err)
	}
	n := 0
	for line := range bytes.Lines(b) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n, nil
}

// checkIndexEntries refuses index features that need git's judgement.
func checkIndexEntries(idx *indexFile) error {
	for i := range idx.entries {
		e := &idx.entries[i]
		switch {
		case e.stage != 0:
			return slow("unmerged path %s", e.name)
		case e.skipWorktree || e.intent:
			return slow("sparse or intent-to-add entry %s", e.name)
		}
	}
	return nil
}

// checkClean proves that nothing is staged (the index's tree is HEAD's
// tree) and nothing changed or appeared in the work tree.
func checkClean(dir, gitDir string, tree plumbing.Hash, cfg settings) error {
	idx, err := readIndex(gitDir)
	if err != nil {
		return err
	}
	if err := checkIndexEntries(idx); err != nil {
		return err
	}
	if idx.treeHash() != tree {
		return slow("index differs from HEAD (staged changes)")
	}
	return checkWorkTree(dir, gitDir, idx, cfg)
}
