package gogit

import (
	"context"
	"errors"
	"io"
	"sort"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/mgit-dev/mgit/engine/git"
)

// Log walks up to n commits from HEAD, newest committer time first, which
// is git log's order for any history without clock skew.
func (b *Backend) Log(ctx context.Context, dir string, n int) ([]git.Commit, error) {
	if err := ctx.Err(); err != nil {
		return nil, opError(ctx, "log", dir, err, "")
	}
	if n <= 0 {
		return nil, nil
	}
	r, err := open("log", dir)
	if err != nil {
		return nil, err
	}
	head, err := readHead(r)
	if err != nil {
		return nil, opError(ctx, "log", dir, err, "")
	}
	if head.unborn {
		return nil, nil
	}
	it, err := r.Log(&gogit.LogOptions{From: head.hash, Order: gogit.LogOrderCommitterTime})
	if err != nil {
		return nil, opError(ctx, "log", dir, err, "")
	}
	defer it.Close()
	var cs []git.Commit
	for len(cs) < n {
		if err := ctx.Err(); err != nil {
			return nil, opError(ctx, "log", dir, err, "")
		}
		c, err := it.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, opError(ctx, "log", dir, err, "")
		}
		cs = append(cs, commitOf(c))
	}
	return cs, nil
}

func commitOf(c *object.Commit) git.Commit {
	return git.Commit{SHA: c.Hash.String(), Subject: subject(c.Message), Author: c.Author.Name, Time: c.Author.When}
}

// Changes lists what Status counts, path by path. Untracked directories
// holding no tracked file are listed once with a trailing slash, as git
// does. Unlike git, a staged rename shows as a deletion and an addition.
func (b *Backend) Changes(ctx context.Context, dir string) ([]git.FileChange, error) {
	if err := ctx.Err(); err != nil {
		return nil, opError(ctx, "changes", dir, err, "")
	}
	r, err := open("changes", dir)
	if err != nil {
		return nil, err
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, opError(ctx, "changes", dir, err, "")
	}
	idx, err := r.Storer.Index()
	if err != nil {
		return nil, opError(ctx, "changes", dir, err, "")
	}
	status, err := runStatus(ctx, wt)
	if err != nil {
		return nil, opError(ctx, "changes", dir, err, "")
	}
	conflicts := unmergedPaths(idx)
	var fcs []git.FileChange
	for p := range conflicts {
		fcs = append(fcs, git.FileChange{Path: p, Conflict: true})
	}
	untracked, err := untrackedPaths(wt.Filesystem.Root(), idx)
	if err != nil {
		return nil, opError(ctx, "changes", dir, err, "")
	}
	for _, k := range untracked {
		fcs = append(fcs, git.FileChange{Path: k, Untracked: true})
	}
	for p, fs := range status {
		switch {
		case conflicts[p]:
		case fs.Staging == gogit.Untracked || fs.Worktree == gogit.Untracked:
			// Listed above with git's ignore rules.
		case fs.Staging != gogit.Unmodified || fs.Worktree != gogit.Unmodified:
			fcs = append(fcs, git.FileChange{Path: p, Staged: fs.Staging != gogit.Unmodified, Unstaged: fs.Worktree != gogit.Unmodified})
		}
	}
	sort.Slice(fcs, func(i, j int) bool { return fcs[i].Path < fcs[j].Path })
	return fcs, nil
}
