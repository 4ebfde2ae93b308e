// Package gitobj is the one reader of git's on-disk data in mgit: where a
// work tree's repository is (.git directories and files, linked worktrees'
// commondir), configuration (git's syntax, the files git reads in git's
// order, its boolean and integer spelling), refs (loose, packed-refs with
// peeled values, symbolic refs, HEAD), commit objects (loose, or
// undeltified in a version-2 pack), the ahead/behind count (a port of git
// rev-list --left-right --count, clock skew included), the index
// (versions 2 and 3) and ignore rules (a port of git's wildmatch and
// dir.c matching).
//
// Everything in it is proven against the git binary by differential tests.
// Where it is not sure it would give git's answer — include directives,
// reftable, deltified commits, alternates, SHA-256, an unusual layout or a
// file git would call corrupt — it returns an error wrapping ErrNeedGit,
// and the caller asks git.
package gitobj
