package gitobj

import "sort"

// mergeBases is commit-reach.c's get_merge_bases_many_0 for two commits:
// paint both histories down to their common commits (ordered by committer
// date, or by generation number when the commit-graph has corrected
// dates), then drop the ones reachable from another.
func (w *walk) mergeBases(one, two *walkNode) ([]*walkNode, error) {
	if err := w.parse(one); err != nil {
		return nil, err
	}
	if err := w.parse(two); err != nil {
		return nil, err
	}
	list, err := w.paintDownToCommon(one, []*walkNode{two}, 0)
	if err != nil {
		return nil, err
	}
	var result []*walkNode
	for _, c := range list {
		if c.flags&fStale == 0 {
			result = insertByDate(result, c)
		}
	}
	w.clearPaint()
	if len(result) <= 1 {
		return result, nil
	}
	kept, err := w.removeRedundant(result)
	if err != nil {
		return nil, err
	}
	var out []*walkNode
	for _, c := range kept {
		out = insertByDate(out, c)
	}
	return out, nil
}

// paintDownToCommon is commit-reach.c's paint_down_to_common.
func (w *walk) paintDownToCommon(one *walkNode, twos []*walkNode, minGen uint64) ([]*walkNode, error) {
	q := &dateQueue{byGen: minGen != 0 || (w.graph != nil && w.graph.corrected)}
	one.flags |= fParent1
	if len(twos) == 0 {
		return []*walkNode{one}, nil
	}
	q.put(one)
	for _, t := range twos {
		t.flags |= fParent2
		q.put(t)
	}
	var result []*walkNode
	for q.hasNonStale() {
		c := q.get()
		if c.gen < minGen {
			break
		}
		flags := c.flags & (fParent1 | fParent2 | fStale)
		if flags == fParent1|fParent2 {
			if c.flags&fResult == 0 {
				c.flags |= fResult
				result = insertByDate(result, c)
			}
			flags |= fStale // parents of a found merge base are stale
		}
		for _, p := range c.parents {
			if p.flags&flags == flags {
				continue
			}
			if err := w.parse(p); err != nil {
				return nil, err
			}
			p.flags |= flags
			q.put(p)
		}
	}
	return result, nil
}

// removeRedundant is commit-reach.c's remove_redundant: the generation
// walk when generation numbers are enabled and a candidate is in the
// graph, else the painting one.
func (w *walk) removeRedundant(array []*walkNode) ([]*walkNode, error) {
	if w.graph != nil && w.graph.enabled {
		for _, c := range array {
			if c.gen < generationInfinity {
				return w.removeRedundantWithGen(array)
			}
		}
	}
	return w.removeRedundantNoGen(array)
}

// removeRedundantNoGen is remove_redundant_no_gen: for each candidate,
// paint from it against the others; one reached from another is
// redundant.
func (w *walk) removeRedundantNoGen(array []*walkNode) ([]*walkNode, error) {
	redundant := make([]bool, len(array))
	for i := range array {
		if redundant[i] {
			continue
		}
		var work []*walkNode
		var index []int
		minGen := array[i].gen
		for j := range array {
			if i == j || redundant[j] {
				continue
			}
			work = append(work, array[j])
			index = append(index, j)
			minGen = min(minGen, array[j].gen)
		}
		if _, err := w.paintDownToCommon(array[i], work, minGen); err != nil {
			return nil, err
		}
		if array[i].flags&fParent2 != 0 {
			redundant[i] = true
		}
		for j, c := range work {
			if c.flags&fParent1 != 0 {
				redundant[index[j]] = true
			}
		}
		w.clearPaint()
	}
	var out []*walkNode
	for i, c := range array {
		if !redundant[i] {
			out = append(out, c)
		}
	}
	return out, nil
}

// byGen sorts by compare_commits_by_gen: generation, then date, ascending.
func byGen(s []*walkNode) {
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].gen != s[j].gen {
			return s[i].gen < s[j].gen
		}
		return s[i].date < s[j].date
	})
}

// removeRedundantWithGen is remove_redundant_with_gen: a depth-first walk
// from the candidates' parents, highest generation first, pruned below the
// lowest generation of a candidate still independent.
func (w *walk) removeRedundantWithGen(array []*walkNode) ([]*walkNode, error) {
	sorted := append([]*walkNode(nil), array...)
	byGen(sorted)
	minGen := sorted[0].gen
	minPos := 0
	stillIndependent := len(array)
	var walkStart []*walkNode
	for _, c := range array {
		if err := w.parse(c); err != nil {
			return nil, err
		}
		c.flags |= fResult
		for _, p := range c.parents {
			if err := w.parse(p); err != nil {
				return nil, err
			}
			if p.flags&fStale == 0 {
				p.flags |= fStale
				walkStart = append(walkStart, p)
			}
		}
	}
	byGen(walkStart)
	for _, c := range walkStart {
		c.flags &^= fStale
	}
	for i := len(walkStart) - 1; i >= 0 && stillIndependent > 1; i-- {
		stack := []*walkNode{walkStart[i]}
		walkStart[i].flags |= fStale
	walking:
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			if err := w.parse(c); err != nil {
				return nil, err
			}
			if c.flags&fResult != 0 {
				c.flags &^= fResult
				if stillIndependent--; stillIndependent <= 1 {
					break walking
				}
				if c == sorted[minPos] {
					for minPos < len(sorted)-1 && sorted[minPos].flags&fStale != 0 {
						minPos++
					}
					minGen = sorted[minPos].gen
				}
			}
			if c.gen < minGen {
				stack = stack[:len(stack)-1]
				continue
			}
			pushed := false
			for _, p := range c.parents {
				if p.flags&fStale == 0 {
					p.flags |= fStale
					stack = append(stack, p)
					pushed = true
					break
				}
			}
			if !pushed {
				stack = stack[:len(stack)-1]
			}
		}
	}
	for _, c := range array {
		c.flags &^= fResult
	}
	var out []*walkNode
	for _, c := range array {
		if c.flags&fStale == 0 {
			out = append(out, c)
		}
	}
	for _, c := range walkStart {
		clearStale(c)
	}
	return out, nil
}

// clearStale is clear_commit_marks(c, STALE): down the parents while the
// flag is set.
func clearStale(c *walkNode) {
	stack := []*walkNode{c}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.flags&fStale == 0 {
			continue
		}
		n.flags &^= fStale
		stack = append(stack, n.parents...)
	}
}

// clearPaint is clear_commit_marks over the painted commits: every
// painted commit is reachable from the starting ones through painted
// commits, so clearing all of them is the same.
func (w *walk) clearPaint() {
	for _, n := range w.nodes {
		n.flags &^= paintFlags
	}
}

// dateQueue is git's prio_queue ordered by compare_commits_by_commit_date
// (newest first), or by compare_commits_by_gen_then_commit_date when byGen;
// in insertion order among equals.
type dateQueue struct {
	items []queued
	ctr   int
	byGen bool
}

type queued struct {
	n   *walkNode
	ctr int
}

func (q *dateQueue) less(i, j int) bool {
	a, b := q.items[i], q.items[j]
	if q.byGen && a.n.gen != b.n.gen {
		return a.n.gen > b.n.gen
	}
	if a.n.date != b.n.date {
		return a.n.date > b.n.date
	}
	return a.ctr < b.ctr
}

func (q *dateQueue) put(n *walkNode) {
	q.items = append(q.items, queued{n: n, ctr: q.ctr})
	q.ctr++
	for i := len(q.items) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q.less(i, parent) {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

func (q *dateQueue) get() *walkNode {
	top := q.items[0].n
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q.items) && q.less(l, m) {
			m = l
		}
		if r < len(q.items) && q.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}

// hasNonStale is queue_has_nonstale: flags are read now, not when queued.
func (q *dateQueue) hasNonStale() bool {
	for _, it := range q.items {
		if it.n.flags&fStale == 0 {
			return true
		}
	}
	return false
}
