package gogit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/quickstatus"
)

// Status reports the state of the work tree at dir.
func (b *Backend) Status(ctx context.Context, dir string) (git.Status, error) {
	if err := ctx.Err(); err != nil {
		return git.Status{}, opError(ctx, "status", dir, err, "")
	}
	// go-git's own status hashes and compares far more than needed for the
	// common clean repository (and never refreshes the index); quickstatus
	// settles that case from stat data alone and defers everything else.
	if st, err := quickstatus.Read(dir); err == nil {
		return st, nil
	}
	r, err := open("status", dir)
	if err != nil {
		return git.Status{}, err
	}
	if err := refuseReplaceRefs("status", dir); err != nil {
		return git.Status{}, err
	}
	var st git.Status
	head, err := readHead(r)
	if err != nil {
		return st, opError(ctx, "status", dir, err, "")
	}
	st.Branch, st.Detached, st.NoCommits = head.branch, head.detached, head.unborn

	if !head.unborn {
		c, err := object.GetCommit(r.Storer, head.hash)
		if err != nil {
			return st, opError(ctx, "status", dir, err, "")
		}
		st.Head = git.Commit{
			SHA:     c.Hash.String(),
			Subject: subject(c.Message),
			Author:  c.Author.Name,
			Time:    c.Author.When,
		}
	}

	if head.branch != "" {
		if err := upstreamStatus(ctx, r, head, &st); err != nil {
			return st, opError(ctx, "status", dir, err, "")
		}
	}

	if err := worktreeStatus(ctx, r, head, &st); err != nil {
		return st, opError(ctx, "status", dir, err, "")
	}
	if repo, err := gitobj.Open(dir); err == nil {
		st.Stash, _ = gitobj.StashCount(repo)
	}
	return st, nil
}

// headInfo is what HEAD points at.
type headInfo struct {
	branch   string                 // short branch name; "" when detached
	ref      plumbing.ReferenceName // refs/heads/<branch>
	detached bool                   // HEAD holds a commit ID
	unborn   bool                   // HEAD names a branch that has no commit yet
	hash     plumbing.Hash          // the commit, zero when unborn
}

func readHead(r *gogit.Repository) (headInfo, error) {
	ref, err := r.Reference(plumbing.HEAD, false)
	if err != nil {
		return headInfo{}, err
	}
	if ref.Type() == plumbing.HashReference {
		return headInfo{detached: true, hash: ref.Hash()}, nil
	}
	h := headInfo{branch: ref.Target().Short(), ref: ref.Target()}
	resolved, err := r.Reference(ref.Target(), true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
		h.unborn = true
	case err != nil:
		return h, err
	default:
		h.hash = resolved.Hash()
	}
	return h, nil
}

func subject(msg string) string { return gitobj.Subject(msg) }

// upstream is the configured upstream of a branch.
type upstream struct {
	remote string                 // "." for a local branch
	merge  plumbing.ReferenceName // the branch on the remote, refs/heads/x
	ref    plumbing.ReferenceName // where it is tracked locally
	name   string                 // "origin/main", as git shows it
}

// branchUpstream reads branch.<name>.remote and .merge from go-git's
// reading of the repository's config; ok is false when the branch tracks
// nothing. Status reads git's configuration through gitobj instead
// (gitUpstream); this is its fallback and Pull's reader.
func branchUpstream(cfg *config.Config, branch string) (upstream, bool) {
	bc, ok := cfg.Branches[branch]
	if !ok || bc.Remote == "" || bc.Merge == "" {
		return upstream{}, false
	}
	var fetch []config.RefSpec
	if rc, ok := cfg.Remotes[bc.Remote]; ok {
		fetch = rc.Fetch
	}
	return mapUpstream(bc.Remote, bc.Merge, fetch), true
}

// gitUpstream is branchUpstream from the configuration git reads (system,
// global, repository, in git's precedence and syntax): branch.<b>.remote
// (the last value) and branch.<b>.merge (the first, as git's @{upstream}).
// An error wrapping gitobj.ErrNeedGit means only git could read it.
func gitUpstream(root, branch string) (upstream, bool, error) {
	repo, err := gitobj.Open(root)
	if err != nil {
		return upstream{}, false, err
	}
	cfg, err := gitobj.LoadConfig(repo, os.Environ())
	if err != nil {
		return upstream{}, false, err
	}
	remote, _ := cfg.Get("branch." + branch + ".remote")
	merges := cfg.GetAll("branch." + branch + ".merge")
	if remote == "" || len(merges) == 0 || merges[0] == "" {
		return upstream{}, false, nil
	}
	var fetch []config.RefSpec
	for _, f := range cfg.GetAll("remote." + remote + ".fetch") {
		rs := config.RefSpec(f)
		if err := rs.Validate(); err != nil {
			return upstream{}, false, fmt.Errorf("remote.%s.fetch %q: %v: %w", remote, f, err, gitobj.ErrNeedGit)
		}
		fetch = append(fetch, rs)
	}
	return mapUpstream(remote, plumbing.ReferenceName(merges[0]), fetch), true, nil
}

// mapUpstream maps the remote branch through the remote's fetch refspecs,
// as git does, falling back to the conventional refs/remotes/<remote>/<b>.
func mapUpstream(remote string, merge plumbing.ReferenceName, fetch []config.RefSpec) upstream {
	u := upstream{remote: remote, merge: merge}
	if remote == "." {
		u.ref = merge
		u.name = merge.Short()
		return u
	}
	u.ref = plumbing.NewRemoteReferenceName(remote, strings.TrimPrefix(string(merge), "refs/heads/"))
	for _, rs := range fetch {
		if rs.Match(merge) {
			u.ref = rs.Dst(merge)
			break
		}
	}
	u.name = strings.TrimPrefix(string(u.ref), "refs/remotes/")
	if u.name == string(u.ref) {
		u.name = u.ref.Short()
	}
	return u
}

func upstreamStatus(ctx context.Context, r *gogit.Repository, head headInfo, st *git.Status) error {
	wt, err := r.Worktree()
	if err != nil {
		return err
	}
	u, ok, err := gitUpstream(wt.Filesystem.Root(), head.branch)
	if errors.Is(err, gitobj.ErrNeedGit) {
		// Configuration only git reads in full (includes): go-git's own
		// reading of the repository's file is the best this backend has.
		cfg, cerr := r.Config()
		if cerr != nil {
			return cerr
		}
		u, ok = branchUpstream(cfg, head.branch)
	} else if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	st.Upstream = u.name
	ref, err := r.Reference(u.ref, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		st.UpstreamGone = true
		return nil
	}
	if err != nil {
		return err
	}
	if head.unborn {
		// Every upstream commit is missing locally, but counting a whole
		// history is of no use to anyone; git itself reports nothing here.
		return nil
	}
	graph, err := commitGraph(wt.Filesystem.Root())
	if err != nil {
		// A graph or configuration git reads its own way: the count
		// cannot be git's, so it is not given.
		st.AheadBehindCapped = true
		return nil
	}
	var complete bool
	st.Ahead, st.Behind, complete, err = aheadBehind(ctx, r.Storer, graph, head.hash, ref.Hash(), statusWalkLimit)
	st.AheadBehindCapped = err == nil && !complete
	return err
}

// worktreeStatus fills Staged, Unstaged, Untracked and Conflicts.
//
// go-git's Status has no context; it runs in its own goroutine so a
// cancelled ctx returns at once (the read-only walk finishes on its own).
func worktreeStatus(ctx context.Context, r *gogit.Repository, head headInfo, st *git.Status) error {
	wt, err := r.Worktree()
	if err != nil {
		return err
	}
	idx, err := r.Storer.Index()
	if err != nil {
		return err
	}
	conflicts := unmergedPaths(idx)
	status, err := runStatus(ctx, wt)
	if err != nil {
		return err
	}
	st.Conflicts = len(conflicts)
	counted := map[string]bool{}
	for path, fs := range status {
		if conflicts[path] {
			continue
		}
		if fs.Staging == gogit.Untracked || fs.Worktree == gogit.Untracked {
			continue // go-git's ignore matcher is not git's: see untrackedPaths
		}
		if fs.Worktree != gogit.Unmodified {
			st.Unstaged++
			counted[path] = true
		}
	}
	// go-git does not look inside submodules; git counts one whose checkout
	// is at another commit than the index records, or holds modified or
	// untracked files, as an unstaged change of the superproject. (Stage 0
	// is a merged entry: go-git's index.Merged constant is 1, not what its
	// decoder stores.)
	for _, e := range idx.Entries {
		if e.Mode == filemode.Submodule && e.Stage == 0 && !counted[e.Name] && !conflicts[e.Name] &&
			submoduleChanged(ctx, filepath.Join(wt.Filesystem.Root(), filepath.FromSlash(e.Name)), e.Hash) {
			st.Unstaged++
		}
	}
	untracked, err := untrackedPaths(wt.Filesystem.Root(), idx)
	if err != nil {
		return err
	}
	st.Untracked = len(untracked)
	if st.Staged, err = stagedCount(r, head, idx, conflicts); err != nil {
		return err
	}
	return nil
}

// submoduleChanged reports what git status shows as a modified submodule
// (porcelain v2 "S" with C, M or U set): its HEAD is not the commit the
// superproject's index records, or its work tree has changes or untracked
// files. An uninitialised submodule (no .git) is unchanged, as for git.
// submodule.<name>.ignore and diff.ignoreSubmodules are not read: git's
// default ("none") is assumed.
func submoduleChanged(ctx context.Context, dir string, recorded plumbing.Hash) bool {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err != nil {
		return false
	}
	sub, err := (&Backend{}).Status(ctx, dir)
	if err != nil {
		return true // unreadable: git would say so too; never call it clean
	}
	return sub.Head.SHA != recorded.String() || sub.Staged+sub.Unstaged+sub.Untracked+sub.Conflicts > 0
}

// untrackedPaths is what git status lists as untracked, found with
// gitobj's port of git's ignore rules: go-git's matcher ignores more than
// git does ("[!a]x" ignores "ax", "abc/**" ignores a file "abc"), which
// would hide untracked work. Configuration git reads only with includes
// is not available here; the default global excludes file is used then.
func untrackedPaths(root string, idx *index.Index) ([]string, error) {
	repo, err := gitobj.Open(root)
	if err != nil {
		return nil, err
	}
	env := os.Environ()
	cfg, err := gitobj.LoadConfig(repo, env)
	if errors.Is(err, gitobj.ErrNeedGit) {
		cfg, err = &gitobj.Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	names := make([]string, len(idx.Entries))
	for i, e := range idx.Entries {
		names[i] = e.Name
	}
	return gitobj.Untracked(repo, cfg, env, names)
}

// untrackedKey is what git status lists for an untracked path in its
// default mode: the outermost directory that holds no tracked file, with a
// trailing slash, or the file itself. Counting these keys makes Untracked
// agree with `git status` (and so with the cli backend).
func untrackedKey(path string, tracked map[string]bool) string {
	for i := 0; i < len(path); i++ {
		if path[i] == '/' && !tracked[path[:i]] {
			return path[:i+1]
		}
	}
	return path
}

// extraExcludes are the ignore rules git applies that go-git's Status does
// not read on its own: the global excludes file and info/exclude of the
// common directory (go-git looks for it only under <worktree>/.git). Only
// the fast-forward's go-git Status still uses them; Status and Changes
// find untracked paths with gitobj (untrackedPaths).
func extraExcludes(r *gogit.Repository) []gitignore.Pattern {
	var ps []gitignore.Pattern
	root := osRoot()
	if g, err := gitignore.LoadGlobalPatterns(root); err == nil {
		ps = append(ps, g...)
	}
	if home, err := os.UserHomeDir(); err == nil {
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" {
			xdg = filepath.Join(home, ".config")
		}
		ps = append(ps, readPatternFile(filepath.Join(xdg, "git", "ignore"))...)
	}
	if fsys, ok := r.Storer.(*filesystem.Storage); ok {
		if f, err := fsys.Filesystem().Open("info/exclude"); err == nil {
			ps = append(ps, parsePatterns(f)...)
			_ = f.Close()
		}
	}
	return ps
}

func readPatternFile(path string) []gitignore.Pattern {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer func() { _ = f.Close() }()
	return parsePatterns(f)
}

func parsePatterns(f interface{ Read([]byte) (int, error) }) []gitignore.Pattern {
	var ps []gitignore.Pattern
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, nil))
	}
	return ps
}

// runStatus runs go-git's Status, which takes no context, on a
// goroutine of its own so a cancelled ctx returns at once (the walk finishes
// in the background and its result is dropped).
func runStatus(ctx context.Context, wt *gogit.Worktree) (gogit.Status, error) {
	type result struct {
		s   gogit.Status
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := wt.Status()
		done <- result{s, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-done:
		return res.s, res.err
	}
}

// refuseReplaceRefs refuses a repository with replace refs (git replace):
// git reads a replaced commit's tree, parents and message wherever it
// reads the commit, go-git reads the original.
func refuseReplaceRefs(op, dir string) error {
	repo, err := gitobj.Open(dir)
	if err != nil {
		return nil // open succeeded through go-git; nothing more to learn here
	}
	refs, err := gitobj.RefsUnder(repo.CommonDir, "refs/replace/")
	if err != nil || len(refs) > 0 {
		return kindError(op, dir, git.ErrUnsupported,
			"the go-git backend does not apply replace refs (refs/replace/); "+cliHint)
	}
	return nil
}
