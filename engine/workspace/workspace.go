package workspace

// Kind tells how a repository was recognised.
type Kind string

// The kinds of repository discovery tells apart.
const (
	// KindRepo is a directory with a .git directory: an ordinary clone.
	KindRepo Kind = "repo"
	// KindWorktree is a directory whose .git file points into another
	// repository's .git/worktrees.
	KindWorktree Kind = "worktree"
	// KindSubmodule is a directory whose .git file points into a parent's
	// .git/modules.
	KindSubmodule Kind = "submodule"
)

// Repo is a repository found on disk.
type Repo struct {
	// Path is the absolute path of the work tree.
	Path string
	// Rel is Path relative to the root, slash-separated ("." for the root,
	// and for the repository enclosing it).
	Rel  string
	Kind Kind
	// Enclosing is set when the root is inside this repository's work tree
	// rather than at or above it (see Options.FindEnclosing).
	Enclosing bool
}

// DepthRootOnly as Options.MaxDepth searches the root itself only.
const DepthRootOnly = -1

// Options tune discovery.
type Options struct {
	// MaxDepth bounds how many directory levels below the root are searched
	// (the root is depth 0): 0 means DefaultMaxDepth, a negative value
	// (DepthRootOnly) the root alone.
	MaxDepth int
	// FindEnclosing: when nothing is found at or below the root, the
	// repository whose work tree holds the root is the answer, found as
	// git finds it (upward, stopping below Ceilings). A root inside a
	// repository that itself holds clones lists those clones instead.
	FindEnclosing bool
	// Ceilings are directories the upward search does not enter
	// (GIT_CEILING_DIRECTORIES; see Ceilings).
	Ceilings []string
	// IncludeWorktrees and IncludeSubmodules add repositories found through
	// a .git file. Discovery never descends into a repository's work tree
	// looking for more, except to find submodules when IncludeSubmodules.
	IncludeWorktrees  bool
	IncludeSubmodules bool
}

// Layout decides where a clone of a URL lands under the root.
type Layout string

// The layouts.
const (
	// LayoutHost is <root>/<host>/<path-without-.git>.
	LayoutHost Layout = "host"
	// LayoutFlat is <root>/<last-path-segment-without-.git>.
	LayoutFlat Layout = "flat"
)
