package gogit

import (
	"errors"
	"fmt"
	"os"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gotransport"
)

// Backend implements git.Backend with go-git. It holds no state: every call
// opens the repository afresh, so one Backend serves any number of
// goroutines.
type Backend struct {
	// faults, when set (only by tests), is asked at each step of a
	// work-tree update and makes the update fail there when it returns
	// an error.
	faults func(step string) error
}

var _ git.Backend = (*Backend)(nil)

// New returns the go-git backend, with go-git's HTTP transport made to
// follow no redirect (noRedirects).
func New() *Backend {
	noRedirects()
	return &Backend{}
}

// noRedirects is gotransport.NoRedirects: go-git's HTTP(S) transport
// follows no redirect, installed once before the first operation (New and
// authFor call it), not at package init.
func noRedirects() { gotransport.NoRedirects() }

// Name is "go-git".
func (*Backend) Name() string { return "go-git" }

// open opens the repository whose work tree is dir. It does not search
// parent directories (the workspace already found the repository), and it
// follows the .git file of a linked worktree to the common directory.
func open(op, dir string) (*gogit.Repository, error) {
	r, err := gogit.PlainOpenWithOptions(dir, &gogit.PlainOpenOptions{
		DetectDotGit:          false,
		EnableDotGitCommonDir: true,
	})
	switch {
	case err == nil:
		return r, nil
	case errors.Is(err, gogit.ErrRepositoryNotExists):
		return nil, &git.Error{Op: op, Dir: dir, Kind: git.ErrNotRepository, Detail: "not a git repository", Err: err}
	case unsupportedRepo(err):
		return nil, unsupportedError(op, dir, err)
	case errors.Is(err, os.ErrNotExist):
		return nil, &git.Error{Op: op, Dir: dir, Kind: git.ErrNotRepository, Detail: redact(err.Error(), ""), Err: err}
	}
	return nil, &git.Error{Op: op, Dir: dir, Detail: redact(err.Error(), ""), Err: err}
}

// authFor returns the transport auth for url. HTTP(S) gets basic auth from
// creds (nil when there are none, so public repositories work). SSH gets the
// running ssh-agent; without one it is an error, never a prompt. The secret
// travels only in this object: never in the URL or the config.
func authFor(url string, creds git.Credentials) (transport.AuthMethod, error) {
	// Every network operation asks here first: the transport is installed,
	// and the install happens before the operation reads go-git's table,
	// also for a Backend not made by New.
	noRedirects()
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("parse remote url: %w", err)
	}
	switch ep.Protocol {
	case "http", "https":
		if creds.IsZero() || !creds.ForURL(url) {
			return nil, nil
		}
		return &githttp.BasicAuth{Username: creds.Username, Password: creds.Password}, nil
	case "ssh":
		if os.Getenv("SSH_AUTH_SOCK") == "" {
			return nil, &git.Error{
				Kind:   git.ErrAuth,
				Detail: "ssh remote needs a running ssh-agent (SSH_AUTH_SOCK is not set); start one and add a key, or use an https URL",
			}
		}
		user := ep.User
		if user == "" {
			user = gitssh.DefaultUsername
		}
		a, err := gitssh.NewSSHAgentAuth(user)
		if err != nil {
			return nil, &git.Error{Kind: git.ErrAuth, Detail: "ssh-agent: " + err.Error(), Err: err}
		}
		return a, nil
	}
	// file:// and local paths need no auth.
	return nil, nil
}

// authError completes an error from authFor with the operation and dir.
func authError(op, dir string, err error) error {
	var ge *git.Error
	if errors.As(err, &ge) {
		ge.Op, ge.Dir = op, dir
		return ge
	}
	return &git.Error{Op: op, Dir: dir, Detail: err.Error(), Err: err}
}
