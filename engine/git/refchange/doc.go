// Package refchange says what a fetch or a pull moved in a repository. It
// snapshots, in-process through gitobj, the refs either can move (HEAD, the
// remote-tracking branches and the tags) and what the configuration says
// about the current branch (its remote and upstream), and turns two
// snapshots into a git.RefChanges: the commits that arrived for the
// current branch (counted with gitobj's port of git's ahead/behind walk),
// and the branches and tags that appeared, moved or went away.
//
// It does not depend on the backend that ran the operation, which is how
// both backends report the same change; the conformance suite proves it.
// Where gitobj is not sure (reftable, an unusual layout) Take fails and
// the caller reports no change summary rather than a wrong one.
package refchange
