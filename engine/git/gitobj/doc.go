// Package gitobj reads a repository's files straight from disk so that a
// status needs no extra git process: commit objects — a loose object, or an
// undeltified object in a pack with a version-2 index — and refs (loose and
// packed-refs, under the common directory of a linked worktree). Anything
// else (deltified commits, alternates, SHA-256) is reported as ErrNeedGit
// and the caller asks git.
package gitobj
