package difftest

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
)

// Features selects what a generated repository contains. Each bit turns on
// one family of git behaviour; the generator draws the details from the
// seed.
type Features uint32

// The feature bits. Their values are part of the fuzz corpus format: never
// renumber them, only append.
const (
	// Ignore: nested .gitignore files and .git/info/exclude using the full
	// pattern syntax, with untracked files that do and do not match.
	Ignore Features = 1 << iota
	// Changes: staged, unstaged and untracked files, deletions.
	Changes
	// Renames: staged and unstaged renames, exact and edited.
	Renames
	// Modes: chmod +x of tracked files, staged and not.
	Modes
	// Symlinks: tracked symlinks, retargeted links, files replaced by links.
	Symlinks
	// Stash: one or two stash entries.
	Stash
	// Conflict: a merge that stops with unmerged paths.
	Conflict
	// Detached: HEAD holds a commit id.
	Detached
	// Skew: commits whose committer dates run backwards.
	Skew
	// Upstream: the branch tracks a remote branch that is ahead, behind or
	// diverged.
	Upstream
	// UpstreamGone: the branch tracks a remote branch that does not exist.
	UpstreamGone
	// IndexV4: the index is written in version 4 (prefix-compressed paths).
	IndexV4
	// SplitIndex: core.splitIndex with a shared index file.
	SplitIndex
	// Sparse: sparse checkout (git sparse-checkout set; worktreeConfig).
	Sparse
	// Worktree: the repository under test is a linked worktree.
	Worktree
	// Submodule: a submodule, initialised or not, sometimes dirty.
	Submodule
	// Unborn: the branch has no commits yet.
	Unborn
	// Backdate: work-tree files are older than the index, so no entry is
	// racily clean and quickstatus can answer.
	Backdate

	numFeatures = iota
)

// AllFeatures has every feature bit set.
const AllFeatures Features = 1<<numFeatures - 1

var featureNames = [numFeatures]string{
	"ignore", "changes", "renames", "modes", "symlinks", "stash", "conflict",
	"detached", "skew", "upstream", "upstream-gone", "index-v4", "split-index",
	"sparse", "worktree", "submodule", "unborn", "backdate",
}

// Has reports whether every bit of g is set in f.
func (f Features) Has(g Features) bool { return f&g == g }

// String names the set bits, "ignore+changes"; "none" when there are none.
func (f Features) String() string {
	if f&AllFeatures == 0 {
		return "none"
	}
	var names []string
	for i := range numFeatures {
		if f&(1<<i) != 0 {
			names = append(names, featureNames[i])
		}
	}
	return strings.Join(names, "+")
}

// ParseFeatures reads a "+"-separated list of feature names ("all" for
// every one).
func ParseFeatures(s string) (Features, error) {
	if s == "all" {
		return AllFeatures, nil
	}
	var f Features
	for name := range strings.SplitSeq(s, "+") {
		found := false
		for i, n := range featureNames {
			if n == name {
				f |= 1 << i
				found = true
			}
		}
		if !found && name != "none" {
			return 0, fmt.Errorf("parse features: unknown feature %q (known: %s)", name, AllFeatures)
		}
	}
	return f, nil
}

// Normalize drops combinations the generator cannot build together and
// keeps the rest, so any uint32 (a fuzz input) names a buildable repository.
func (f Features) Normalize() Features {
	f &= AllFeatures
	if f.Has(Unborn) {
		// Nothing that needs a commit.
		f &^= Stash | Conflict | Detached | Skew | Upstream | UpstreamGone | Worktree | Submodule | Sparse
	}
	if f.Has(Detached) {
		f &^= Upstream | UpstreamGone // a detached HEAD tracks nothing
	}
	if f.Has(Upstream) {
		f &^= UpstreamGone
	}
	return f
}

// Count is the number of features set.
func (f Features) Count() int { return bits.OnesCount32(uint32(f)) }

// FeaturesFor draws the feature set the ordinary test uses for seed: each
// feature with its own probability, so that every feature and many
// combinations come up in a few hundred seeds. Backdate and Ignore are
// frequent and the history features rarer, so that many repositories are
// clean enough for quickstatus to answer instead of deferring to git.
func FeaturesFor(seed uint64) Features {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var f Features
	for i := range numFeatures {
		in, of := 1, 4 // one in four
		switch Features(1 << i) {
		case Backdate:
			in = 3
		case Ignore, Upstream:
			of = 2
		case Unborn, Submodule, Worktree, Sparse, SplitIndex, Conflict, Stash:
			of = 8
		}
		if rng.IntN(of) < in {
			f |= 1 << i
		}
	}
	if rng.IntN(4) == 0 {
		// A repository with nothing to report but ignore rules and
		// ignored (or not) files: quickstatus's own ground.
		f &= Ignore | Backdate | Upstream | Skew | IndexV4 | Stash
	}
	return f.Normalize()
}
