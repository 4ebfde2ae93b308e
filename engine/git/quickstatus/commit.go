package quickstatus

import (
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/mgit-dev/mgit/engine/git"
)

// readCommit reads one commit object (loose or packed) and returns it for
// display together with its tree id.
func readCommit(gitDir, sha string) (git.Commit, plumbing.Hash, error) {
	// A tiny cache: one commit is read, but go-git wants one for packfiles.
	st := filesystem.NewStorageWithOptions(osfs.New(gitDir, osfs.WithBoundOS()), cache.NewObjectLRU(64<<10), filesystem.Options{})
	defer st.Close()
	obj, err := st.EncodedObject(plumbing.CommitObject, plumbing.NewHash(sha))
	if err != nil {
		return git.Commit{}, plumbing.ZeroHash, slow("read commit %s: %v", sha, err)
	}
	c, err := object.DecodeCommit(st, obj)
	if err != nil {
		return git.Commit{}, plumbing.ZeroHash, slow("decode commit %s: %v", sha, err)
	}
	subject, _, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	return git.Commit{SHA: sha, Subject: strings.TrimSpace(subject), Author: c.Author.Name, Time: c.Author.When}, c.TreeHash, nil
}

// Commit reads commit sha from the object database at gitDir (loose or
// packed) without running git; backends use it to fill Status.Head.
func Commit(gitDir, sha string) (git.Commit, error) {
	c, _, err := readCommit(gitDir, sha)
	return c, err
}
