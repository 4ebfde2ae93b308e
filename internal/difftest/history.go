package difftest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"time"
)

// baseTime is the first commit's date; later commits are an hour apart
// unless Skew moves their committer date into the past.
const baseTime = 1_700_000_000

// commitInfo is what the generator knows about a commit it wrote: git's
// %s, %an and author date, which is what Status.Head shows.
type commitInfo struct {
	subject string
	author  string
	when    time.Time
	tree    tree
	// plain is true when subject and author are so simple that no git
	// formatting rule is involved in showing them.
	plain bool
}

// history writes a fast-import stream. Marks number the commits; the
// caller maps them to ids through the marks file fast-import exports.
type history struct {
	rng     *rand.Rand
	f       Features
	buf     bytes.Buffer
	mark    int
	clock   int64
	commits map[int]commitInfo
}

func newHistory(rng *rand.Rand, f Features) *history {
	return &history{rng: rng, f: f, clock: baseTime, commits: map[int]commitInfo{}}
}

var zones = []int{0, 0, 5*3600 + 1800, -8 * 3600, 14 * 3600}

func zone(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off%3600/60)
}

// message draws a commit message and returns it with git's %s of it.
func (h *history) message(n int) (msg, subject string, plain bool) {
	switch h.rng.IntN(12) {
	case 0:
		return fmt.Sprintf("first line %d\nsecond line\n\nbody\n", n), fmt.Sprintf("first line %d second line", n), false
	case 1:
		return fmt.Sprintf("subject %d\n\nbody text\n", n), fmt.Sprintf("subject %d", n), false
	case 2:
		return fmt.Sprintf("trailing space %d   \n", n), fmt.Sprintf("trailing space %d", n), false
	}
	return fmt.Sprintf("commit %d\n", n), fmt.Sprintf("commit %d", n), true
}

// commit writes a commit of t on ref with the given parent marks and
// returns its mark.
func (h *history) commit(ref string, t tree, parents ...int) int {
	h.mark++
	m := h.mark
	h.clock += 3600
	committed := h.clock
	if h.f.Has(Skew) && h.rng.IntN(3) == 0 {
		// A committer clock that runs backwards: days before its parents.
		committed = h.clock - int64(1+h.rng.IntN(30))*86400
	}
	off := zones[h.rng.IntN(len(zones))]
	author, plainAuthor := "Ann Author", true
	if h.rng.IntN(8) == 0 {
		author, plainAuthor = "Örjan Ünïcode", false
	}
	msg, subject, plain := h.message(m)
	fmt.Fprintf(&h.buf, "commit %s\nmark :%d\n", ref, m)
	fmt.Fprintf(&h.buf, "author %s <a@example.com> %d %s\n", author, h.clock, zone(off))
	fmt.Fprintf(&h.buf, "committer Cy Committer <c@example.com> %d +0000\n", committed)
	fmt.Fprintf(&h.buf, "data %d\n%s\n", len(msg), msg)
	for i, p := range parents {
		if i == 0 {
			fmt.Fprintf(&h.buf, "from :%d\n", p)
		} else {
			fmt.Fprintf(&h.buf, "merge :%d\n", p)
		}
	}
	h.buf.WriteString("deleteall\n")
	for _, p := range t.sorted() {
		e := t[p]
		if e.mode == modeGitlink {
			fmt.Fprintf(&h.buf, "M %s %s %s\n", e.mode, e.data, quote(p))
			continue
		}
		fmt.Fprintf(&h.buf, "M %s inline %s\ndata %d\n%s\n", e.mode, quote(p), len(e.data), e.data)
	}
	h.buf.WriteString("\n")
	h.commits[m] = commitInfo{
		subject: subject, author: author, tree: t.clone(),
		when:  time.Unix(h.clock, 0).In(time.FixedZone("", off)),
		plain: plain && plainAuthor,
	}
	return m
}

// reset points ref at mark (for refs no commit was written on).
func (h *history) reset(ref string, mark int) {
	fmt.Fprintf(&h.buf, "reset %s\nfrom :%d\n\n", ref, mark)
}

// change returns a copy of t with one to three random edits: new files,
// changed content, deletions, executables, symlinks and ignore files, as
// the features allow.
func (h *history) change(t tree, tag string) tree {
	t = t.clone()
	n := 1 + h.rng.IntN(3)
	for i := range n {
		name := fmt.Sprintf("%s.%d", tag, i)
		switch k := h.rng.IntN(10); {
		case k < 4 || len(t) == 0:
			p := join(randDir(h.rng), randFile(h.rng))
			if t.fits(p) {
				t[p] = entry{modeFile, content(h.rng, name)}
			}
		case k < 7:
			ps := t.regular()
			if len(ps) > 0 {
				p := ps[h.rng.IntN(len(ps))]
				t[p] = entry{t[p].mode, t[p].data + name + "\n"}
			}
		case k < 8:
			ps := t.regular()
			if len(ps) > 1 {
				delete(t, ps[h.rng.IntN(len(ps))])
			}
		default:
			h.special(t, name)
		}
	}
	return t
}

// special adds the feature-specific kinds of tracked path.
func (h *history) special(t tree, name string) {
	p := join(randDir(h.rng), randFile(h.rng))
	switch {
	case h.f.Has(Symlinks) && h.rng.IntN(2) == 0:
		targets := []string{"a.txt", "../README", "doc", "missing/target", p + "-nowhere"}
		if t.fits(p) {
			t[p] = entry{modeLink, targets[h.rng.IntN(len(targets))]}
		}
	case h.f.Has(Modes) && h.rng.IntN(2) == 0:
		if t.fits(p) {
			t[p] = entry{modeExec, "#!/bin/sh\necho " + name + "\n"}
		}
	case h.f.Has(Ignore):
		g := join(randDir(h.rng), ".gitignore")
		if _, ok := t[g]; ok || t.fits(g) {
			t[g] = entry{modeFile, patternLines(h.rng)}
		}
	}
}
