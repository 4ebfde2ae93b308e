package cli

import (
	"context"
	"os"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/quickstatus"
	"github.com/mgit-dev/mgit/engine/state"
)

// Status first tries quickstatus; otherwise it runs one git process — git
// status in porcelain v2 — and reads the HEAD commit from the object database in-process, falling back to
// `git cat-file commit` for objects the fast path does not handle. Status is
// read-only: GIT_OPTIONAL_LOCKS=0 keeps git from refreshing the index on
// disk, so it never competes with the user's own git for index.lock.
func (b *Backend) Status(ctx context.Context, dir string) (git.Status, error) {
	// Most repositories in a sweep are clean and in sync; quickstatus proves
	// that in-process, about 15 times faster than starting git, and gives
	// up (ErrSlowPath) whenever git's judgement is needed.
	// A repository git found dirty last time, whose index has not been
	// written since, is very likely dirty still: the in-process proof
	// would read the whole index only to give up, so git is asked at once.
	hints := dirtyHints(b)
	gitDir, index := "", ""
	if hints != nil {
		if r, err := gitobj.Open(dir); err == nil {
			gitDir, index = r.GitDir, state.IndexKey(r.GitDir)
		}
	}
	if !hints.Dirty(gitDir, index) {
		read := quickstatus.Read
		if b.quickRead != nil {
			read = b.quickRead
		}
		if st, err := read(dir); err == nil {
			return st, nil
		}
	}
	read := cmdOpts{readOnly: true, ceiling: true}
	out, err := b.git(ctx, "status", dir, statusArgs(), read)
	if err != nil {
		return git.Status{}, err
	}
	st, oid, err := parseStatus(out.stdout)
	if err != nil {
		return git.Status{}, &git.Error{Op: "status", Dir: dir, Err: err}
	}
	if gitDir != "" {
		if st.Dirty() {
			hints.Mark(gitDir, index)
		} else {
			hints.Clear(gitDir)
		}
	}
	if oid != "" {
		if st.Head, err = b.headCommit(ctx, dir, oid, read); err != nil {
			return git.Status{}, err
		}
	}
	return st, nil
}

// dirtyHints is b's hint store in the cache directory, nil when there is
// none (then every status tries in-process first). A function, not a
// method: Backend's method set is at its budget.
func dirtyHints(b *Backend) *state.DirtyHints {
	b.hintsOnce.Do(func() {
		if b.NoHints {
			return
		}
		if dir, err := state.DefaultDir(os.Getenv); err == nil {
			b.hints = state.OpenDirtyHints(dir)
		}
	})
	return b.hints
}

// headCommit reads commit oid, in-process when possible.
func (b *Backend) headCommit(ctx context.Context, dir, oid string, o cmdOpts) (git.Commit, error) {
	if objects, err := gitobj.ObjectsDir(dir); err == nil {
		if raw, err := gitobj.ReadCommit(objects, oid); err == nil {
			if c, err := gitobj.ParseCommit(oid, raw); err == nil {
				return c, nil
			}
		}
	}
	out, err := b.git(ctx, "status", dir, []string{"cat-file", "commit", oid}, o)
	if err != nil {
		return git.Commit{}, err
	}
	c, err := gitobj.ParseCommit(oid, out.stdout)
	if err != nil {
		return git.Commit{}, &git.Error{Op: "status", Dir: dir, Err: err}
	}
	return c, nil
}
