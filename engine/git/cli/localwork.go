package cli

import (
	"bytes"
	"context"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
)

// localWorkRefs compares a clone's refs with a fresh clone's for
// LocalWork, over the Backend's runner.
type localWorkRefs struct{ b *Backend }

var _ git.LocalWorkFinder = (*Backend)(nil)

// LocalWork asks git for the local work of the clone at dir: changed,
// untracked and ignored paths (git status --ignored), index entries marked
// assume-unchanged or skip-worktree (git ls-files -v), and, when fresh is
// set, the refs whose target the fresh clone lacks.
func (b *Backend) LocalWork(ctx context.Context, dir, fresh string) (git.LocalWork, error) {
	var w git.LocalWork
	ro := cmdOpts{readOnly: true, ceiling: true}
	// traditional: an ignored directory is one entry, not its thousands
	// of files; -unormal does the same for untracked directories.
	out, err := b.git(ctx, "local work", dir, []string{"status", "--porcelain=v1", "-z", "--ignored=traditional", "--untracked-files=normal"}, ro)
	if err != nil {
		return w, err
	}
	parseStatusZ(out.stdout, &w)
	out, err = b.git(ctx, "local work", dir, []string{"ls-files", "-v", "-z"}, ro)
	if err != nil {
		return w, err
	}
	for _, e := range bytes.Split(out.stdout, []byte{0}) {
		// "h path": a lower-case tag is assume-unchanged, S skip-worktree.
		if len(e) < 3 || e[1] != ' ' {
			continue
		}
		if t := e[0]; (t >= 'a' && t <= 'z') || t == 'S' {
			git.Add(&w.Flagged, &w.NFlagged, string(e[2:]))
		}
	}
	if fresh == "" {
		return w, nil
	}
	return w, (localWorkRefs{b}).localRefs(ctx, dir, fresh, &w)
}

// parseStatusZ reads `git status --porcelain=v1 -z` into w. A rename or
// copy entry is followed by its source path, which is skipped.
func parseStatusZ(out []byte, w *git.LocalWork) {
	entries := bytes.Split(out, []byte{0})
	for i := 0; i < len(entries); i++ {
		e := entries[i]
		if len(e) < 4 {
			continue
		}
		xy, path := string(e[:2]), string(e[3:])
		switch {
		case xy == "??":
			git.Add(&w.Untracked, &w.NUntracked, path)
		case xy == "!!":
			git.Add(&w.Ignored, &w.NIgnored, path)
		default:
			git.Add(&w.Changed, &w.NChanged, path)
			if xy[0] == 'R' || xy[0] == 'C' {
				i++
			}
		}
	}
}

// localRefs finds the refs of dir that the fresh clone cannot restore.
// Tags and notes must exist in fresh under the same name with the same
// value (a tag moved locally is local work too); the stash is always local;
// every other ref, HEAD included, must point at an object fresh has.
func (b localWorkRefs) localRefs(ctx context.Context, dir, fresh string, w *git.LocalWork) error {
	ro := cmdOpts{readOnly: true, ceiling: true}
	old, err := b.refs(ctx, dir)
	if err != nil {
		return err
	}
	// HEAD, when detached, holds a commit no ref may name.
	if _, err := b.b.run(ctx, dir, []string{"symbolic-ref", "-q", "HEAD"}, ro); err != nil {
		if out, err := b.b.run(ctx, dir, []string{"rev-parse", "-q", "--verify", "HEAD"}, ro); err == nil {
			old["HEAD"] = strings.TrimSpace(string(out.stdout))
		}
	}
	newRefs, err := b.refs(ctx, fresh)
	if err != nil {
		return err
	}
	var probe []string
	var probed []string
	for name, oid := range old {
		switch {
		case name == "refs/stash":
			git.Add(&w.Refs, &w.NRefs, name)
		case strings.HasPrefix(name, "refs/tags/") || strings.HasPrefix(name, "refs/notes/"):
			if newRefs[name] != oid {
				git.Add(&w.Refs, &w.NRefs, name)
			}
		default:
			probe = append(probe, oid)
			probed = append(probed, name)
		}
	}
	if len(probe) == 0 {
		return nil
	}
	// --ignore-missing prints only the objects fresh has.
	out, err := b.b.git(ctx, "local work", fresh, append([]string{"rev-list", "--no-walk=unsorted", "--ignore-missing"}, probe...), ro)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(out.stdout), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	for i, name := range probed {
		if !have[probe[i]] {
			git.Add(&w.Refs, &w.NRefs, name)
		}
	}
	return nil
}

// refs lists every ref of the repository at dir with the object it holds
// (symbolic refs such as origin/HEAD resolved, which is harmless).
func (b localWorkRefs) refs(ctx context.Context, dir string) (map[string]string, error) {
	out, err := b.b.git(ctx, "local work", dir, []string{"for-each-ref", "--format=%(objectname) %(refname)"}, cmdOpts{readOnly: true, ceiling: true})
	if err != nil {
		return nil, err
	}
	refs := map[string]string{}
	for _, l := range strings.Split(string(out.stdout), "\n") {
		if oid, name, ok := strings.Cut(l, " "); ok {
			refs[name] = oid
		}
	}
	return refs, nil
}
