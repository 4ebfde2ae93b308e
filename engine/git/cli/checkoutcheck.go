package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/engine/git"
)

// checkoutChecks are the checks Checkout makes before it runs git
// checkout (checkoutCheck and its helpers), over the Backend's runner.
type checkoutChecks struct{ b *Backend }

// checkoutCheck runs, changing nothing, every check of a checkout: it is
// Checkout with DryRun, and the real Checkout runs it before git switch,
// so the two cannot disagree. It finds every refusal git switch would
// give, and two git does not give (see ignoredInTheWay and lossyCheck). The verdict on local work comes
// from git itself — `git read-tree -n -m -u OLD TARGET` runs the two-tree
// merge git switch runs (unpack_trees' twoway_merge, ignored files
// expendable) — on a copy of the index, so not even index.lock is taken in
// the repository. read-tree stops at the first path in the way; the full
// list git switch would name is found by blockedPaths.
func (b checkoutChecks) checkoutCheck(ctx context.Context, dir string, opt git.CheckoutOptions, target string) error {
	info, from, to, err := b.checkoutFacts(ctx, dir, target)
	if err != nil {
		return err
	}
	if msg := operationInProgress(dir, info[2:]); msg != "" {
		return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrLocalChanges, Detail: msg}
	}
	if !opt.Create {
		if err := b.branchInUse(ctx, dir, info[0], opt.Branch); err != nil {
			return err
		}
	}
	// git refuses any switch, even to the same commit, while the index
	// holds a conflict; it names the paths ("<path>: needs merge").
	if un, err := b.b.git(ctx, "checkout", dir, []string{"ls-files", "-u", "-z"}, cmdOpts{readOnly: true, ceiling: true}); err != nil {
		return err
	} else if paths := unmergedFiles(un.stdout); len(paths) > 0 {
		return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrLocalChanges, Detail: git.BlockedDetail(paths)}
	}
	if from == to {
		return nil // same commit: git switch leaves index and work tree alone
	}
	out, err := b.readTreeDryRun(ctx, dir, abs(dir, info[1]), from, to)
	if err == nil {
		if err := b.b.ignoredInTheWay(ctx, "checkout", dir, from, to); err != nil {
			return err
		}
		return b.lossyCheck(ctx, dir, from, to)
	}
	var ge *git.Error
	if !errors.As(err, &ge) || ctx.Err() != nil || !readTreeRefusal(out.stderr) {
		return err
	}
	paths, perr := b.blockedPaths(ctx, dir, from, to)
	if perr != nil {
		return perr
	}
	if p := readTreePath(out.stderr); p != "" && !contains(paths, p) {
		paths = append(paths, p)
	}
	return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrLocalChanges, Detail: git.BlockedDetail(paths), Err: ge.Err}
}

// lossyCheck refuses what git 2.39 itself lets through and so loses: a
// staged change to a path inside a directory the target replaces with a
// file (git switch drops the staged version without a word). mgit never
// loses local work, so both the dry run and the checkout refuse it.
func (b checkoutChecks) lossyCheck(ctx context.Context, dir, from, to string) error {
	ro := cmdOpts{readOnly: true, ceiling: true}
	trees, err := b.b.git(ctx, "checkout", dir, []string{"diff-tree", "-r", "-z", "--name-status", "--no-renames", from, to}, ro)
	if err != nil {
		return err
	}
	inTarget, gone := map[string]bool{}, map[string]bool{}
	recs := splitZ(trees.stdout)
	for i := 0; i+1 < len(recs); i += 2 {
		if recs[i] != "D" {
			inTarget[recs[i+1]] = true
		} else {
			gone[recs[i+1]] = true
		}
	}
	dirBecameFile := false
	for p := range gone {
		if ancestorIn(p, inTarget) != "" {
			dirBecameFile = true
			break
		}
	}
	if !dirBecameFile {
		return nil // the common case: no second git process
	}
	staged, err := b.b.git(ctx, "checkout", dir, []string{"diff-index", "--cached", "-z", "--name-only", "--no-renames", from}, ro)
	if err != nil {
		return err
	}
	var lost []string
	for _, p := range splitZ(staged.stdout) {
		if under(p, inTarget) {
			lost = append(lost, p)
		}
	}
	if len(lost) == 0 {
		return nil
	}
	return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrLocalChanges, Detail: git.BlockedDetail(lost)}
}

// gitPaths are asked of rev-parse by checkoutFacts: the work tree, then
// paths in the git dir (see operationInProgress for the order after index).
var gitPaths = []string{"--show-toplevel", "--git-path", "index", "--git-path", "MERGE_HEAD",
	"--git-path", "rebase-merge", "--git-path", "rebase-apply", "--git-path", "CHERRY_PICK_HEAD", "--git-path", "REVERT_HEAD"}

// checkoutFacts asks git, in one rev-parse when HEAD has a commit, for the
// work tree, the git-dir paths of gitPaths and the commits of HEAD and
// target (HEAD unborn: the empty tree, which git switch merges from).
func (b checkoutChecks) checkoutFacts(ctx context.Context, dir, target string) (info []string, from, to string, err error) {
	n := len(gitPaths) / 2
	args := append(append([]string(nil), gitPaths...), "HEAD^{commit}", target+"^{commit}", "--")
	if out, err := b.revParse(ctx, dir, args...); err == nil && len(out) >= n+3 {
		return out[:n+1], out[n+1], out[n+2], nil
	}
	if info, err = b.revParse(ctx, dir, gitPaths...); err != nil {
		return nil, "", "", err
	}
	if len(info) != n+1 {
		return nil, "", "", &git.Error{Op: "checkout", Dir: dir, Detail: "unexpected git rev-parse output"}
	}
	t, err := b.revParse(ctx, dir, "-q", "--verify", target+"^{commit}")
	if err != nil || len(t) != 1 {
		return nil, "", "", &git.Error{Op: "checkout", Dir: dir, Detail: "invalid reference: " + target, Err: err}
	}
	f, err := b.revParse(ctx, dir, "-q", "--verify", "HEAD^{commit}")
	if err != nil {
		if f, err = b.emptyTree(ctx, dir); err != nil {
			return nil, "", "", err
		}
	}
	return info, f[0], t[0], nil
}

// revParse runs git rev-parse with args and returns its output lines.
func (b checkoutChecks) revParse(ctx context.Context, dir string, args ...string) ([]string, error) {
	out, err := b.b.git(ctx, "checkout", dir, append([]string{"rev-parse"}, args...), cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(string(out.stdout), "\n"), "\n"), nil
}

// emptyTree is the id of the empty tree in this repository's hash.
func (b checkoutChecks) emptyTree(ctx context.Context, dir string) ([]string, error) {
	out, err := b.b.git(ctx, "checkout", dir, []string{"hash-object", "-t", "tree", os.DevNull}, cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return nil, err
	}
	return []string{strings.TrimSpace(string(out.stdout))}, nil
}

// operationInProgress is git switch's refusal during a merge, rebase, am,
// cherry-pick or revert ("cannot switch branch while merging"), or "". The
// paths are git's own (rev-parse --git-path), in this order: MERGE_HEAD,
// rebase-merge, rebase-apply, CHERRY_PICK_HEAD, REVERT_HEAD.
func operationInProgress(dir string, paths []string) string {
	what := []string{"merging", "rebasing", "rebasing (or in an am session)", "cherry-picking", "reverting"}
	for i, p := range paths {
		if _, err := os.Lstat(abs(dir, p)); err == nil {
			return "cannot switch branch while " + what[i]
		}
	}
	return ""
}

// branchInUse refuses, as git switch does, a branch checked out in another
// worktree of the repository.
func (b checkoutChecks) branchInUse(ctx context.Context, dir, top, branch string) error {
	out, err := b.b.git(ctx, "checkout", dir, []string{"worktree", "list", "--porcelain"}, cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return err
	}
	self := canonical(top)
	var path string
	for line := range bytes.Lines(out.stdout) {
		l := strings.TrimRight(string(line), "\n")
		if p, ok := strings.CutPrefix(l, "worktree "); ok {
			path = p
		} else if l == "branch refs/heads/"+branch && canonical(path) != self {
			return &git.Error{Op: "checkout", Dir: dir, Kind: git.ErrBranchInUse,
				Detail: "'" + branch + "' is already checked out at '" + path + "'"}
		}
	}
	return nil
}

// readTreeDryRun runs git read-tree -n -m -u from to on a temporary copy
// of the index at index.
func (b checkoutChecks) readTreeDryRun(ctx context.Context, dir, index, from, to string) (output, error) {
	tmp, err := os.MkdirTemp("", "mgit-checkout-")
	if err != nil {
		return output{}, &git.Error{Op: "checkout", Dir: dir, Detail: "temporary index: " + err.Error(), Err: err}
	}
	defer os.RemoveAll(tmp)
	copyIdx := filepath.Join(tmp, "index")
	if data, err := os.ReadFile(index); err == nil {
		if err := os.WriteFile(copyIdx, data, 0o600); err != nil {
			return output{}, &git.Error{Op: "checkout", Dir: dir, Detail: "temporary index: " + err.Error(), Err: err}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return output{}, &git.Error{Op: "checkout", Dir: dir, Detail: "read index: " + err.Error(), Err: err}
	}
	opts := cmdOpts{readOnly: true, ceiling: true, extraEnv: []string{"GIT_INDEX_FILE=" + copyIdx}}
	args := []string{"read-tree", "-n", "-m", "-u", from, to}
	out, err := b.b.run(ctx, dir, args, opts)
	if err != nil && ctx.Err() == nil && readTreeRefusal(out.stderr) {
		// read-tree trusts the index's stat data; git switch refreshes
		// the index first. A repository copied with cp -a, restored from
		// a backup or touched by a tool has stale stat data for unchanged
		// files, and read-tree alone would call them "not uptodate": a
		// false refusal. So a refusal is only believed after the copy was
		// refreshed as git switch would (one more git process, and only
		// when read-tree refused).
		if _, rerr := b.b.run(ctx, dir, []string{"update-index", "-q", "--refresh"}, opts); rerr == nil {
			out, err = b.b.run(ctx, dir, args, opts)
		}
	}
	if err != nil {
		return out, failure(ctx, "checkout", dir, out, err)
	}
	return out, nil
}

// readTreeRefusal reports whether read-tree's stderr is a refusal for a
// path in the way (unpack-trees' plumbing messages), not some other error.
func readTreeRefusal(stderr string) bool {
	for _, s := range []string{"not uptodate", "would be overwritten", "would lose untracked files",
		"would be removed by", "you need to resolve your current index first"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// Compiled on first use, not in package init: init runs before every command, and most never need it.
var readTreeQuoted = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^error: (?:Entry|Untracked working tree file|Updating) '([^'\n]+)'`)
})

// readTreePath is the path read-tree named, or "".
func readTreePath(stderr string) string {
	if m := readTreeQuoted().FindStringSubmatch(stderr); m != nil {
		return m[1]
	}
	return ""
}

// blockedPaths lists the paths a checkout from to to would refuse for, as
// git switch lists them: paths that differ between the two trees (diff-tree)
// whose index entry is not already the target's (diff-index --cached), and
// that hold local work (status: staged, unstaged, conflicted, or untracked
// and not ignored) — or sit below or above such a path.
func (b checkoutChecks) blockedPaths(ctx context.Context, dir, from, to string) ([]string, error) {
	ro := cmdOpts{readOnly: true, ceiling: true}
	trees, err := b.b.git(ctx, "checkout", dir, []string{"diff-tree", "-r", "-z", "--name-status", "--no-renames", from, to}, ro)
	if err != nil {
		return nil, err
	}
	index, err := b.b.git(ctx, "checkout", dir, []string{"diff-index", "--cached", "-z", "--name-only", "--no-renames", to}, ro)
	if err != nil {
		return nil, err
	}
	st, err := b.b.git(ctx, "checkout", dir, []string{"status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"}, ro)
	if err != nil {
		return nil, err
	}
	differs := map[string]bool{}  // paths that differ between the trees
	inTarget := map[string]bool{} // those the target has (added or changed)
	recs := splitZ(trees.stdout)
	for i := 0; i+1 < len(recs); i += 2 {
		differs[recs[i+1]] = true
		if recs[i] != "D" {
			inTarget[recs[i+1]] = true
		}
	}
	changed := map[string]bool{}
	for _, p := range splitZ(index.stdout) {
		if differs[p] {
			changed[p] = true
		}
	}
	dirs := map[string]bool{} // directories the target needs
	for p := range inTarget {
		for d := path.Dir(p); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	entries := splitZ(st.stdout)
	goneFiles := map[string]bool{} // tracked files the work tree no longer has
	for _, e := range entries {
		if len(e) >= 4 && e[:2] == " D" {
			goneFiles[e[3:]] = true
		}
	}
	var paths []string
	named := map[string]bool{}
	for _, e := range entries {
		if len(e) < 4 {
			continue
		}
		xy, p := e[:2], e[3:]
		if xy == "??" {
			// Untracked files in a directory that stands where a tracked
			// file the checkout changes was: git names the directory
			// ("would lose untracked files in them").
			if d := ancestorIn(p, goneFiles); d != "" && differs[d] {
				if !named[d] {
					named[d] = true
					paths = append(paths, d)
				}
				continue
			}
		}
		if xy == " D" {
			// Deleted from the work tree only: git writes the target's
			// version (or nothing) there without complaint.
			continue
		}
		if changed[p] || unmerged(xy) {
			paths = append(paths, p)
			continue
		}
		// A file of ours where the target needs a directory, or inside
		// a directory where the target puts a file.
		if fi, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p))); err == nil && !fi.IsDir() && (dirs[p] || under(p, inTarget)) {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// ancestorIn is the nearest ancestor directory of p in set, or "".
func ancestorIn(p string, set map[string]bool) string {
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		if set[d] {
			return d
		}
	}
	return ""
}

// unmerged reports whether a porcelain v1 XY code is a conflict, which git
// refuses to switch over wherever it is.
func unmerged(xy string) bool {
	switch xy {
	case "DD", "AU", "UD", "UA", "DU", "AA", "UU":
		return true
	}
	return false
}

// under reports whether an ancestor directory of p is a path in set (the
// target puts a file where p's directory is).
func under(p string, set map[string]bool) bool {
	for d := path.Dir(p); d != "." && d != "/"; d = path.Dir(d) {
		if set[d] {
			return true
		}
	}
	return false
}

// unmergedFiles reads the paths of `git ls-files -u -z` ("<mode> <oid>
// <stage>\t<path>" records), each once.
func unmergedFiles(out []byte) []string {
	var paths []string
	seen := map[string]bool{}
	for _, rec := range splitZ(out) {
		if _, p, ok := strings.Cut(rec, "\t"); ok && !seen[p] {
			seen[p] = true
			paths = append(paths, p)
		}
	}
	return paths
}

func splitZ(b []byte) []string {
	var out []string
	for _, f := range bytes.Split(b, []byte{0}) {
		if len(f) > 0 {
			out = append(out, string(f))
		}
	}
	return out
}

// abs makes a path git printed relative to dir absolute.
func abs(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// canonical resolves symlinks so two spellings of one directory compare
// equal; on failure the cleaned path is used.
func canonical(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}
