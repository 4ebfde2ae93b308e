package gogit

import (
	"container/heap"
	"context"
	"errors"
	"path"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// statusWalkLimit bounds the commits Status visits to count ahead/behind.
// Counting needs only the commits between the two tips and their merge
// base, which is small in every ordinary repository; the bound stops a
// status sweep from walking a whole huge history when a branch tracks an
// unrelated one. When it is hit the counts are lower bounds.
const statusWalkLimit = 50000

// ctxCheckEvery is how many commits a walk visits between ctx checks.
const ctxCheckEvery = 256

const (
	fromLocal    = 1
	fromUpstream = 2
	fromBoth     = fromLocal | fromUpstream
)

// aheadBehind counts the commits reachable from local but not upstream
// (ahead) and the reverse (behind). It is git's paint walk: commits are
// visited newest first, each carrying the sides it is reachable from, and
// the walk stops when every queued commit is reachable from both, or after
// limit commits (complete is then false). Commits missing from a shallow
// clone end the walk along their line.
func aheadBehind(ctx context.Context, s storer.EncodedObjectStorer, local, up plumbing.Hash, limit int) (ahead, behind int, complete bool, err error) {
	if local == up {
		return 0, 0, true, nil
	}
	flags := map[plumbing.Hash]int{}
	q := &commitQueue{}
	push := func(h plumbing.Hash, f int) error {
		old := flags[h]
		if old|f == old {
			return nil
		}
		flags[h] = old | f
		c, err := object.GetCommit(s, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil // beyond a shallow boundary
		}
		if err != nil {
			return err
		}
		heap.Push(q, queued{c: c, flags: old | f})
		return nil
	}
	if err := push(local, fromLocal); err != nil {
		return 0, 0, false, err
	}
	if err := push(up, fromUpstream); err != nil {
		return 0, 0, false, err
	}
	visited := 0
	complete = true
	for q.Len() > 0 && q.interesting() {
		if visited >= limit {
			complete = false
			break
		}
		visited++
		if visited%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return 0, 0, false, err
			}
		}
		it := heap.Pop(q).(queued)
		f := flags[it.c.Hash] // may have grown since it was queued
		for _, p := range it.c.ParentHashes {
			if err := push(p, f); err != nil {
				return 0, 0, false, err
			}
		}
	}
	for _, f := range flags {
		switch f {
		case fromLocal:
			ahead++
		case fromUpstream:
			behind++
		}
	}
	return ahead, behind, complete, nil
}

type queued struct {
	c     *object.Commit
	flags int
}

// commitQueue is a max-heap on committer time. It counts the queued
// entries not yet reachable from both sides, so the walk knows when only
// common history is left.
type commitQueue struct {
	items   []queued
	pending int
}

func (q *commitQueue) Len() int { return len(q.items) }
func (q *commitQueue) Less(i, j int) bool {
	return q.items[i].c.Committer.When.After(q.items[j].c.Committer.When)
}
func (q *commitQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *commitQueue) Push(x any) {
	it := x.(queued)
	if it.flags != fromBoth {
		q.pending++
	}
	q.items = append(q.items, it)
}
func (q *commitQueue) Pop() any {
	n := len(q.items)
	it := q.items[n-1]
	q.items = q.items[:n-1]
	if it.flags != fromBoth {
		q.pending--
	}
	return it
}
func (q *commitQueue) interesting() bool { return q.pending > 0 }

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

// trackedDirs are the directories that contain at least one tracked file.
func trackedDirs(idx *index.Index) map[string]bool {
	m := map[string]bool{}
	for _, e := range idx.Entries {
		for d := path.Dir(e.Name); d != "." && !m[d]; d = path.Dir(d) {
			m[d] = true
		}
	}
	return m
}

// osRoot is the whole file system, for go-git helpers that take one.
func osRoot() billy.Filesystem { return osfs.New("/") }
