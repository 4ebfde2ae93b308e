package git

import "context"

// LocalWork is the work in a clone that a fresh clone of its remote would
// not bring back, as far as a backend can see it in the work tree, the
// index and the refs. The engine adds what it reads from plain files
// (linked worktrees, config, hooks). Path lists name at most a few entries
// each (see MaxListed); the counts are complete.
type LocalWork struct {
	// Changed are tracked paths with staged or unstaged changes (conflicts
	// included), as git status shows them.
	Changed []string
	// Untracked are files not in the index and not ignored.
	Untracked []string
	// Ignored are files not in the index that .gitignore, info/exclude or
	// core.excludesFile hide from git status: .env files, build output,
	// terraform state.
	Ignored []string
	// Flagged are index entries marked assume-unchanged or skip-worktree:
	// git status does not look at them, so an edit there is invisible.
	Flagged []string
	// Refs are the refs (and "HEAD" when detached) that point at something
	// the fresh clone lacks: unpushed commits, a branch whose server branch
	// was deleted, a stash, tags and notes the remote does not have.
	Refs []string
	// Counts of each kind, for the message.
	NChanged, NUntracked, NIgnored, NFlagged, NRefs int
}

// MaxListed bounds each path list of LocalWork.
const MaxListed = 5

// Empty reports whether nothing was found.
func (w LocalWork) Empty() bool {
	return w.NChanged+w.NUntracked+w.NIgnored+w.NFlagged+w.NRefs == 0
}

// Add records one finding of a kind: the count always, the name while the
// list is short.
func Add(list *[]string, n *int, name string) {
	*n++
	if len(*list) < MaxListed {
		*list = append(*list, name)
	}
}

// LocalWorkFinder is implemented by backends that can list the local work
// of a clone. fresh is a fresh clone of the same remote to compare refs
// against; when it is "" refs are not compared (the check before cloning).
//
// Refs are compared with the fresh clone, never with the old clone's own
// remote-tracking refs: a stale origin/x of a branch deleted on the server
// is not on the remote any more.
type LocalWorkFinder interface {
	LocalWork(ctx context.Context, dir, fresh string) (LocalWork, error)
}
