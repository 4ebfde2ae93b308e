package difftest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// builder carries one repository's generation. Every random choice is
// drawn from rng in a fixed order, which is what makes a seed reproduce.
type builder struct {
	rng  *rand.Rand
	repo *Repo
	f    Features
	root string
	up   *Remote
	main string // the repository's own work tree
	dir  string // the work tree under test (main or a linked worktree)

	branch string
	head   tree // HEAD's tree as checked out in dir
	disk   tree // every path the generator put on disk in dir
	seen   tree // every path that was ever in HEAD or on disk: never reused as a directory
	marks  map[int]string
	h      *history

	bait  string   // an untracked path a committed pattern makes tricky
	stage []string // paths for update-index --add --remove
	post  []func() error
}

func (b *builder) step(format string, args ...any) {
	b.repo.Steps = append(b.repo.Steps, fmt.Sprintf(format, args...))
}

func (b *builder) git(dir string, args ...string) error {
	b.step("git %s", strings.Join(args, " "))
	// The repositories live for a second: durability buys nothing. Fixed
	// dates make the commits git writes (stashes, merges) reproducible.
	env := []string{"GIT_AUTHOR_DATE=1700000000 +0000", "GIT_COMMITTER_DATE=1700000000 +0000"}
	_, err := gitEnv(dir, env, nil, append([]string{"-c", "core.fsync=none"}, args...)...)
	return err
}

func (b *builder) build() error {
	if err := initRepo(b.main, false); err != nil {
		return err
	}
	b.dir, b.head, b.disk, b.seen = b.main, tree{}, tree{}, tree{}
	b.branch = []string{"main", "main", "feature/x", "dev"}[b.rng.IntN(4)]
	if b.branch != "main" {
		if err := os.WriteFile(filepath.Join(b.main, ".git", "HEAD"), []byte("ref: refs/heads/"+b.branch+"\n"), 0o644); err != nil {
			return err
		}
	}
	e := editor{b}
	steps := []struct {
		on Features
		do func() error
	}{
		{0, b.history},
		{Worktree, b.worktree},
		{Sparse, b.sparse},
		{Submodule, e.submodule},
		{Stash, e.stash},
		{Conflict, e.merge},
		{0, e.edits},
		{0, e.index},
	}
	for _, s := range steps {
		if s.on != 0 && !b.f.Has(s.on) {
			continue
		}
		if err := s.do(); err != nil {
			return err
		}
	}
	for _, p := range b.post {
		if err := p(); err != nil {
			return err
		}
	}
	b.repo.Dir = b.dir
	return nil
}

// history imports the commits and checks HEAD out.
func (b *builder) history() error {
	if b.f.Has(Unborn) {
		return b.remoteConfig()
	}
	b.h = newHistory(b.rng, b.f)
	headMark, headTree := b.commits()
	loose := b.rng.IntN(4) == 0
	marks, err := fastImport(b.main, &b.h.buf, loose)
	if err != nil {
		return err
	}
	b.marks = marks
	b.step("imported %d commits (loose objects: %v)", len(marks), loose)
	b.repo.head = b.h.commits[headMark]
	b.repo.headPlain = b.repo.head.plain
	b.repo.headSHA = marks[headMark]
	b.head, b.disk, b.seen = headTree.clone(), headTree.clone(), headTree.clone()
	if b.f.Has(Detached) {
		if err := os.WriteFile(filepath.Join(b.main, ".git", "HEAD"), []byte(marks[headMark]+"\n"), 0o644); err != nil {
			return err
		}
	}
	if err := b.remoteConfig(); err != nil {
		return err
	}
	if b.f&(Worktree|Sparse|Stash|Conflict|Submodule) == 0 && b.rng.IntN(3) > 0 {
		return b.handCheckout(headTree)
	}
	return b.git(b.main, "reset", "-q", "--hard")
}

// handCheckout writes HEAD's files itself and leaves the index to the one
// update-index call that index() makes anyway: a git process saved, and an
// index without the cache-tree extension that reset would write (which
// readers must handle too).
func (b *builder) handCheckout(t tree) error {
	b.step("checked out by hand")
	for _, p := range t.sorted() {
		if err := b.write(p, t[p]); err != nil {
			return err
		}
	}
	b.stage = append(b.stage, t.sorted()...)
	return nil
}

// commits writes the history into b.h and returns the mark and tree of
// the commit HEAD is to hold. Base commits are shared; then the upstream
// and the local branch go their own ways (Upstream), and a branch
// "other" prepares a conflict (Conflict).
func (b *builder) commits() (int, tree) {
	ref := "refs/heads/" + b.branch
	t := tree{}
	if b.f.Has(Submodule) {
		t["mod"] = entry{modeGitlink, b.up.MainSHA}
		t[".gitmodules"] = entry{modeFile, "[submodule \"mod\"]\n\tpath = mod\n\turl = ../upstream.git\n"}
	}
	if b.f.Has(Ignore) {
		// Committed ignore files, so that a work tree holding nothing but
		// ignored files is clean: quickstatus's ground.
		for range 1 + b.rng.IntN(3) {
			g := join(randDir(b.rng), ".gitignore")
			if _, ok := t[g]; ok || t.fits(g) {
				t[g] = entry{modeFile, patternLines(b.rng)}
			}
		}
		if b.rng.IntN(2) == 0 {
			pair := baitPairs[b.rng.IntN(len(baitPairs))]
			dir := randDir(b.rng)
			g := join(dir, ".gitignore")
			if _, ok := t[g]; ok || t.fits(g) {
				t[g] = entry{modeFile, t[g].data + pair[0] + "\n"}
				b.bait = join(dir, pair[1])
			}
		}
	}
	first, last := 0, 0
	for i := range 1 + b.rng.IntN(3) {
		t = b.h.change(t, fmt.Sprintf("base%d", i))
		if last == 0 {
			last = b.h.commit(ref, t)
			first = last
		} else {
			last = b.h.commit(ref, t, last)
		}
	}
	base, baseTree := last, t
	local, lt := base, t
	if b.f.Has(Upstream) {
		local, lt = b.diverge(ref, first, base, baseTree)
	}
	if b.f.Has(Conflict) {
		local, lt = b.conflictBranches(ref, local, lt, base, baseTree)
	}
	if b.f.Has(Detached) && b.rng.IntN(2) == 0 {
		return base, baseTree
	}
	return local, lt
}

// diverge writes remote commits on refs/remotes/origin/<branch> and local
// ones on ref, both from base: ahead, behind, diverged or even, with side
// branches and merges so that date skew has something to mislead.
func (b *builder) diverge(ref string, first, base int, baseTree tree) (int, tree) {
	h := b.h
	remoteRef := "refs/remotes/origin/" + b.branch
	remote, rt := base, baseTree
	for i := range b.rng.IntN(4) {
		rt = h.change(rt, fmt.Sprintf("up%d", i))
		remote = h.commit(remoteRef, rt, remote)
	}
	if b.rng.IntN(3) == 0 {
		side := h.commit("refs/remotes/origin/side", h.change(baseTree, "side"), first)
		rt = h.change(rt, "upmerge")
		remote = h.commit(remoteRef, rt, remote, side)
	}
	if remote == base {
		h.reset(remoteRef, base)
	}
	local, lt := base, baseTree
	for i := range b.rng.IntN(4) {
		lt = h.change(lt, fmt.Sprintf("local%d", i))
		local = h.commit(ref, lt, local)
		if remote != base && b.rng.IntN(4) == 0 {
			local = h.commit(ref, lt, local, remote) // merged the upstream in
		}
	}
	return local, lt
}

// conflictBranches makes the local branch and "other" change the same
// path differently: modify/modify, modify/delete or add/add, plus one
// change on "other" that merges cleanly (and so is staged by the merge).
func (b *builder) conflictBranches(ref string, local int, lt tree, base int, baseTree tree) (int, tree) {
	lt, ot := lt.clone(), baseTree.clone()
	var shared []string
	for _, p := range baseTree.regular() {
		if e, ok := lt[p]; ok && e.mode == baseTree[p].mode {
			shared = append(shared, p)
		}
	}
	kind := b.rng.IntN(3)
	switch {
	case kind < 2 && len(shared) > 0:
		p := shared[b.rng.IntN(len(shared))]
		lt[p] = entry{lt[p].mode, lt[p].data + "ours\n"}
		if kind == 0 {
			ot[p] = entry{ot[p].mode, ot[p].data + "theirs\n"}
		} else {
			delete(ot, p)
		}
	default:
		p := join(randDir(b.rng), "both-added")
		if lt.fits(p) && ot.fits(p) {
			lt[p] = entry{modeFile, "ours\n"}
			ot[p] = entry{modeFile, "theirs\n"}
		}
	}
	if p := join(randDir(b.rng), "from-other"); ot.fits(p) && lt.fits(p) {
		ot[p] = entry{modeFile, "clean merge\n"}
	}
	local = b.h.commit(ref, lt, local)
	b.h.commit("refs/heads/other", ot, base)
	return local, lt
}

// remoteConfig writes what a clone would: origin, and the branch's
// upstream when the features ask for one.
func (b *builder) remoteConfig() error {
	cfg := fmt.Sprintf("[remote \"origin\"]\n\turl = %s\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n", b.up.Dir)
	switch {
	case b.f.Has(Upstream):
		cfg += fmt.Sprintf("[branch %q]\n\tremote = origin\n\tmerge = refs/heads/%s\n", b.branch, b.branch)
	case b.f.Has(UpstreamGone):
		cfg += fmt.Sprintf("[branch %q]\n\tremote = origin\n\tmerge = refs/heads/%s-gone\n", b.branch, b.branch)
	}
	return appendConfig(filepath.Join(b.main, ".git"), cfg)
}

// worktree adds a linked worktree and makes it the one under test; it
// tracks the same upstream as the main branch.
func (b *builder) worktree() error {
	wt := filepath.Join(b.root, "linked wt")
	if b.f.Has(Detached) {
		return b.retarget(wt, b.git(b.main, "worktree", "add", "-q", "--detach", wt))
	}
	err := b.git(b.main, "worktree", "add", "-q", "-b", "wt", wt)
	if err == nil && (b.f.Has(Upstream) || b.f.Has(UpstreamGone)) {
		merge := "refs/heads/" + b.branch
		if b.f.Has(UpstreamGone) {
			merge += "-gone"
		}
		err = appendConfig(filepath.Join(b.main, ".git"), "[branch \"wt\"]\n\tremote = origin\n\tmerge = "+merge+"\n")
	}
	return b.retarget(wt, err)
}

func (b *builder) retarget(wt string, err error) error {
	if err != nil {
		return err
	}
	b.dir = wt
	return nil
}

// sparse narrows the work tree to one directory (cone mode, which turns
// on extensions.worktreeConfig) and forgets the files it removed.
func (b *builder) sparse() error {
	dirs := []string{"nothing"} // a cone that matches no directory
	for _, p := range b.head.sorted() {
		if d, _, ok := strings.Cut(p, "/"); ok && !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	if err := b.git(b.dir, "sparse-checkout", "set", dirs[b.rng.IntN(len(dirs))]); err != nil {
		return err
	}
	for _, p := range b.head.sorted() {
		if _, err := os.Lstat(filepath.Join(b.dir, p)); err != nil {
			delete(b.head, p)
			delete(b.disk, p)
		}
	}
	return nil
}
