package cli

import (
	"context"
	"path"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
)

// ignoredInTheWay refuses a move of the work tree from commit from to
// commit to (checkout, fast-forward, rebase) that would overwrite ignored
// or excluded files. git switch and git merge treat them as expendable
// (unpack-trees without preserve_ignored: read-tree -m -u, and so the dry
// run, does the same), but they are local work nothing could restore. A
// file is in the way when the target adds it, when the target adds a path
// below it (a file where a directory is needed), or when it lies below a
// path the target adds (a directory where a file goes). Only added paths
// can collide with an untracked file, so without any there is no second
// git process; with some, git lists the ignored files under them alone.
func (b *Backend) ignoredInTheWay(ctx context.Context, op, dir, from, to string) error {
	if from == "" || from == to {
		return nil
	}
	ro := cmdOpts{readOnly: true, ceiling: true}
	trees, err := b.git(ctx, op, dir, []string{"diff-tree", "-r", "-z", "--name-status", "--no-renames", from, to}, ro)
	if err != nil {
		return err
	}
	added := map[string]bool{}
	recs := splitZ(trees.stdout)
	for i := 0; i+1 < len(recs); i += 2 {
		if recs[i] == "A" {
			added[recs[i+1]] = true
		}
	}
	if len(added) == 0 {
		return nil
	}
	ancestors := map[string]bool{}
	for p := range added {
		for d := path.Dir(p); d != "." && !ancestors[d]; d = path.Dir(d) {
			ancestors[d] = true
		}
	}
	args := []string{"ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--full-name", "--"}
	for p := range added {
		args = append(args, ":(top,literal)"+p)
	}
	for d := range ancestors {
		args = append(args, ":(top,literal)"+d)
	}
	out, err := b.git(ctx, op, dir, args, ro)
	if err != nil {
		return err
	}
	var paths []string
	for _, p := range splitZ(out.stdout) {
		p = strings.TrimSuffix(p, "/")
		if added[p] || ancestors[p] || ancestorIn(p, added) != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	return &git.Error{Op: op, Dir: dir, Kind: git.ErrLocalChanges, Detail: git.IgnoredBlockedDetail(paths)}
}
