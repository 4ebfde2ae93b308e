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
	// Rel is Path relative to the root, slash-separated ("." for the root).
	Rel  string
	Kind Kind
}

// Options tune discovery.
type Options struct {
	// MaxDepth bounds how many directory levels below the root are searched
	// (default 6; the root is depth 0).
	MaxDepth int
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
