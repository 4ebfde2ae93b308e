package gogit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// statusWalkLimit bounds the commits Status reads to count ahead/behind.
// Counting needs only the commits between the two tips and their merge
// base, which is small in every ordinary repository; the bound stops a
// status sweep from walking a whole huge history when a branch tracks an
// unrelated one. When it is hit the counts are reported as not counted
// (git.Status.AheadBehindCapped), never as exact.
const statusWalkLimit = 50000

// ctxCheckEvery is how many commits a walk visits between ctx checks.
const ctxCheckEvery = 256

// aheadBehind counts the commits reachable from local but not upstream
// (ahead) and the reverse (behind) with gitobj's port of git's own walk,
// so the answer is git's even when committer clocks were skewed. complete
// is false when the walk needed more than limit commits, or met history
// it cannot read as git would (a missing object, replace refs, grafts):
// the counts are then zero. graph is the commit-graph git would use (nil:
// none).
func aheadBehind(ctx context.Context, s storer.EncodedObjectStorer, graph *gitobj.CommitGraph, local, up plumbing.Hash, limit int) (ahead, behind int, complete bool, err error) {
	if local == up {
		return 0, 0, true, nil
	}
	shallow := map[plumbing.Hash]bool{}
	if ss, ok := s.(storer.ShallowStorer); ok {
		hs, err := ss.Shallow()
		if err != nil {
			return 0, 0, false, err
		}
		for _, h := range hs {
			shallow[h] = true // git grafts these with no parents
		}
	}
	if rs, ok := s.(storer.ReferenceStorer); ok {
		if replaced, err := hasReplaceRefs(rs); err != nil || replaced {
			return 0, 0, false, err // git would read replaced commits
		}
	}
	loaded := 0
	load := func(sha string) ([]string, int64, error) {
		if loaded++; loaded%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
		}
		h := plumbing.NewHash(sha)
		obj, err := s.EncodedObject(plumbing.CommitObject, h)
		if err != nil {
			return nil, 0, fmt.Errorf("read commit %s: %v: %w", sha, err, gitobj.ErrNeedGit)
		}
		rd, err := obj.Reader()
		if err != nil {
			return nil, 0, fmt.Errorf("read commit %s: %v: %w", sha, err, gitobj.ErrNeedGit)
		}
		raw, err := io.ReadAll(rd)
		rd.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("read commit %s: %v: %w", sha, err, gitobj.ErrNeedGit)
		}
		parents, date, err := gitobj.ParseCommitLinks(raw)
		if shallow[h] {
			parents = nil
		}
		return parents, date, err
	}
	ab, err := gitobj.CountAheadBehind(load, graph, local.String(), up.String(), limit)
	if errors.Is(err, gitobj.ErrNeedGit) {
		return 0, 0, false, nil
	}
	if err != nil {
		return 0, 0, false, err
	}
	return ab.Ahead, ab.Behind, !ab.Capped, nil
}

// commitGraph is the commit-graph git would use in the work tree at root:
// none when core.commitGraph is false. One git would not read (another
// hash, a corrupt file) is reported by the error. Configuration only git
// can read (includes) leaves core.commitGraph at its default, true: there
// is no git to ask in this backend, and turning the graph off in an
// included file is rare.
func commitGraph(root string) (*gitobj.CommitGraph, error) {
	repo, err := gitobj.Open(root)
	if err != nil {
		return nil, err
	}
	cfg, err := gitobj.LoadConfig(repo, os.Environ())
	if errors.Is(err, gitobj.ErrNeedGit) {
		cfg, err = &gitobj.Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	if on, err := cfg.Bool("core.commitGraph", true); err != nil || !on {
		return nil, err
	}
	return gitobj.OpenCommitGraph(filepath.Join(repo.CommonDir, "objects"))
}

// hasReplaceRefs reports whether any refs/replace/ ref exists: git then
// walks the replacement commits, which go-git does not read.
func hasReplaceRefs(rs storer.ReferenceStorer) (bool, error) {
	iter, err := rs.IterReferences()
	if err != nil {
		return false, err
	}
	defer iter.Close()
	found := false
	err = iter.ForEach(func(r *plumbing.Reference) error {
		if strings.HasPrefix(r.Name().String(), "refs/replace/") {
			found = true
			return storer.ErrStop
		}
		return nil
	})
	return found, err
}

// isAncestor reports whether anc is reachable from tip. It is exact (no
// bound: Pull must never guess), visits each commit once, and treats
// commits missing from a shallow clone as the end of their line.
func isAncestor(ctx context.Context, s storer.EncodedObjectStorer, anc, tip plumbing.Hash) (bool, error) {
	seen := map[plumbing.Hash]bool{tip: true}
	stack := []plumbing.Hash{tip}
	for n := 0; len(stack) > 0; n++ {
		if n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return false, err
			}
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if h == anc {
			return true, nil
		}
		c, err := object.GetCommit(s, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			continue
		}
		if err != nil {
			return false, err
		}
		for _, p := range c.ParentHashes {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return false, nil
}

// unmergedPaths are the index entries at a stage other than 0: the paths
// with an unresolved conflict. go-git's Status does not report them.
// (index.Merged is 1 in go-git, yet merged entries decode as stage 0, so
// the test is against 0.)
func unmergedPaths(idx *index.Index) map[string]bool {
	m := map[string]bool{}
	for _, e := range idx.Entries {
		if e.Stage != 0 {
			m[e.Name] = true
		}
	}
	return m
}

// osRoot is the whole file system, for go-git helpers that take one.
func osRoot() billy.Filesystem { return osfs.New("/") }
