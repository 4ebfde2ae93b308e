package gitobj

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// This file is the one ahead/behind count: a port of what
// `git rev-list --left-right --count left...right` does in git 2.39 for a
// repository without a commit-graph. git first finds the merge bases by
// painting both histories newest-first by committer date
// (commit-reach.c: paint_down_to_common, remove_redundant), then walks
// left and right with the merge bases excluded (revision.c: limit_list),
// stopping once only excluded commits remain queued and SLOP more have
// been taken. Both steps trust committer dates, so with a clock that ran
// backwards git's answer is not the mathematical one — and this port gives
// git's answer, not the mathematical one, because the screen must agree
// with git. The differential tests compare it with git on skewed
// histories.

// CommitLoader returns the parents and committer date of commit sha, as
// git parses them (grafted shallow commits have no parents).
type CommitLoader func(sha string) (parents []string, date int64, err error)

// AheadBehind is the result of CountAheadBehind.
type AheadBehind struct {
	Ahead, Behind int
	// Capped is true when the walk needed more than the limit of commits:
	// Ahead and Behind are then zero, not counts.
	Capped bool
}

// Flags of the two steps, as git's object flags.
const (
	fParent1 = 1 << iota
	fParent2
	fStale
	fResult
	fSeen
	fUninteresting
	fLeft
	fAdded
	paintFlags = fParent1 | fParent2 | fStale | fResult
)

// slop is git's SLOP: commits taken after only excluded ones are queued.
const slop = 5

type walkNode struct {
	sha     string
	parents []*walkNode
	date    int64
	gen     uint64 // commit_graph_generation
	parsed  bool
	flags   int
}

type walk struct {
	load   CommitLoader
	graph  *CommitGraph // nil without a commit-graph
	nodes  map[string]*walkNode
	limit  int
	parsed int
}

// errCapped ends a walk that reached its limit.
var errCapped = fmt.Errorf("ahead/behind walk capped")

// CountAheadBehind counts the commits reachable from left and not right
// (Ahead) and the reverse (Behind) exactly as git rev-list --left-right
// --count left...right does, reading at most limit commits. graph is the
// repository's commit-graph as git would use it (OpenCommitGraph; nil when
// there is none or core.commitGraph is off).
func CountAheadBehind(load CommitLoader, graph *CommitGraph, left, right string, limit int) (AheadBehind, error) {
	if left == right {
		return AheadBehind{}, nil
	}
	w := &walk{load: load, graph: graph, nodes: map[string]*walkNode{}, limit: limit}
	ab, err := w.run(w.node(left), w.node(right))
	if err == errCapped {
		return AheadBehind{Capped: true}, nil
	}
	return ab, err
}

func (w *walk) node(sha string) *walkNode {
	n := w.nodes[sha]
	if n == nil {
		n = &walkNode{sha: sha}
		w.nodes[sha] = n
	}
	return n
}

func (w *walk) parse(n *walkNode) error {
	if n.parsed {
		return nil
	}
	if w.parsed >= w.limit {
		return errCapped
	}
	w.parsed++
	parents, date, err := w.load(n.sha)
	if err != nil {
		return err
	}
	n.parents = make([]*walkNode, len(parents))
	for i, p := range parents {
		n.parents[i] = w.node(p)
	}
	n.date, n.parsed = date, true
	n.gen = w.graph.generation(n.sha)
	return nil
}

func (w *walk) run(left, right *walkNode) (AheadBehind, error) {
	bases, err := w.mergeBases(left, right)
	if err != nil {
		return AheadBehind{}, err
	}
	// handle_dotdot: the merge bases excluded, left marked as the left
	// side; then prepare_revision_walk in that order, sorted by date.
	for _, b := range bases {
		b.flags |= fUninteresting
	}
	left.flags |= fLeft
	var list []*walkNode
	for _, n := range append(bases, left, right) {
		if err := w.parse(n); err != nil {
			return AheadBehind{}, err
		}
		if n.flags&fUninteresting != 0 {
			markParentsUninteresting(n)
		}
		if n.flags&fSeen == 0 {
			n.flags |= fSeen
			list = append(list, n)
		}
	}
	sortByDate(list)
	out, err := w.limitList(list)
	if err != nil {
		return AheadBehind{}, err
	}
	var ab AheadBehind
	for _, n := range out {
		switch {
		case n.flags&fUninteresting != 0:
		case n.flags&fLeft != 0:
			ab.Ahead++
		default:
			ab.Behind++
		}
	}
	return ab, nil
}

// limitList is revision.c's limit_list for this walk: it returns the
// commits taken as interesting, whose flags may still change afterwards
// (git filters them when it shows them).
func (w *walk) limitList(list []*walkNode) ([]*walkNode, error) {
	var out []*walkNode
	date := int64(math.MaxInt64)
	s := slop
	for len(list) > 0 {
		c := list[0]
		list = list[1:]
		var err error
		if list, err = w.processParents(c, list); err != nil {
			return nil, err
		}
		if c.flags&fUninteresting != 0 {
			markParentsUninteresting(c)
			if s = stillInteresting(list, date, s); s > 0 {
				continue
			}
			break
		}
		date = c.date
		out = append(out, c)
	}
	return out, nil
}

// processParents is revision.c's process_parents without pruning.
func (w *walk) processParents(c *walkNode, list []*walkNode) ([]*walkNode, error) {
	if c.flags&fAdded != 0 {
		return list, nil
	}
	c.flags |= fAdded
	if c.flags&fUninteresting != 0 {
		for _, p := range c.parents {
			p.flags |= fUninteresting
			if err := w.parse(p); err != nil {
				return nil, err
			}
			if len(p.parents) > 0 {
				markParentsUninteresting(p)
			}
			if p.flags&fSeen != 0 {
				continue
			}
			p.flags |= fSeen
			list = insertByDate(list, p)
		}
		return list, nil
	}
	left := c.flags & fLeft
	for _, p := range c.parents {
		if err := w.parse(p); err != nil {
			return nil, err
		}
		p.flags |= left
		if p.flags&fSeen == 0 {
			p.flags |= fSeen
			list = insertByDate(list, p)
		}
	}
	return list, nil
}

// stillInteresting is revision.c's still_interesting.
func stillInteresting(list []*walkNode, date int64, s int) int {
	if len(list) == 0 {
		return 0
	}
	if date <= list[0].date {
		return slop
	}
	for _, n := range list {
		if n.flags&fUninteresting == 0 {
			return slop
		}
	}
	return s - 1
}

// markParentsUninteresting is revision.c's: it excludes every known
// ancestor — through every commit already parsed, by either step.
func markParentsUninteresting(c *walkNode) {
	stack := append([]*walkNode(nil), c.parents...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.flags&fUninteresting != 0 {
			continue
		}
		n.flags |= fUninteresting
		// Pushed in order, popped in reverse, as git's commit_stack.
		stack = append(stack, n.parents...)
	}
}

// insertByDate is commit_list_insert_by_date: after every entry not older.
func insertByDate(list []*walkNode, n *walkNode) []*walkNode {
	i := 0
	for i < len(list) && list[i].date >= n.date {
		i++
	}
	list = append(list, nil)
	copy(list[i+1:], list[i:])
	list[i] = n
	return list
}

// sortByDate is commit_list_sort_by_date: newest first, stable.
func sortByDate(list []*walkNode) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].date > list[j-1].date; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

// ParseCommitLinks reads the parents and the committer date of a raw
// commit as git's parse_commit_buffer and parse_commit_date do. A header
// out of git's order (tree, parents, author, committer) is ErrNeedGit.
func ParseCommitLinks(raw []byte) (parents []string, date int64, err error) {
	hdr, _, _ := bytes.Cut(raw, []byte("\n\n"))
	lines := bytes.Split(hdr, []byte{'\n'})
	if len(lines) < 3 || !bytes.HasPrefix(lines[0], []byte("tree ")) {
		return nil, 0, fmt.Errorf("commit: no tree line: %w", ErrNeedGit)
	}
	i := 1
	for ; i < len(lines); i++ {
		p, ok := bytes.CutPrefix(lines[i], []byte("parent "))
		if !ok {
			break
		}
		if !isSHA1(string(p)) {
			return nil, 0, fmt.Errorf("commit: bad parent line: %w", ErrNeedGit)
		}
		parents = append(parents, string(p))
	}
	if i+1 >= len(lines) || !bytes.HasPrefix(lines[i], []byte("author ")) || !bytes.HasPrefix(lines[i+1], []byte("committer ")) {
		return nil, 0, fmt.Errorf("commit: author and committer lines not where git reads them: %w", ErrNeedGit)
	}
	committer := lines[i+1]
	gt := bytes.IndexByte(committer, '>')
	if gt < 0 {
		return nil, 0, fmt.Errorf("commit: bad committer line: %w", ErrNeedGit)
	}
	fields := bytes.Fields(committer[gt+1:])
	if len(fields) == 0 {
		return nil, 0, fmt.Errorf("commit: committer line without a date: %w", ErrNeedGit)
	}
	date, perr := strconv.ParseInt(string(fields[0]), 10, 64)
	if perr != nil || date < 0 {
		return nil, 0, fmt.Errorf("commit: committer date %q: %w", fields[0], ErrNeedGit)
	}
	return parents, date, nil
}
