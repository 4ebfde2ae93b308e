// Package gitobj reads commit objects straight from a repository's object
// database — a loose object, or an undeltified object in a pack with a
// version-2 index — so that a status needs no extra git process just to show
// the last commit. Anything else (deltified commits, alternates, SHA-256)
// is reported as ErrNeedGit and the caller asks git.
package gitobj
