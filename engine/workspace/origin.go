package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// ErrNoOrigin is returned by OriginURL when the repository has no
// remote.origin.url.
var ErrNoOrigin = errors.New("no origin remote")

// OriginURL reads remote.origin.url of the repository whose work tree is
// repoPath straight from its config file (the common one for a linked
// worktree) through gitobj, includes followed, without running git:
// discovery of thousands of repositories cannot afford a process each.
// url.<base>.insteadOf rewriting is not applied: the configured value is
// returned as written. An include only git can evaluate is an error
// wrapping gitobj.ErrNeedGit. repoPath may also be a bare repository
// (a mirror), which is its own git directory.
func OriginURL(repoPath string) (string, error) {
	r, err := gitobj.Open(repoPath)
	if err != nil {
		bare, berr := gitobj.OpenBare(repoPath)
		if berr != nil {
			return "", fmt.Errorf("origin url of %s: %w", repoPath, err)
		}
		r = bare
	}
	cfg, err := gitobj.ReadConfigFile(filepath.Join(r.CommonDir, "config"), &r, os.Environ())
	if err != nil {
		return "", fmt.Errorf("origin url of %s: %w", repoPath, err)
	}
	url, found := cfg.Get("remote.origin.url")
	if !found || url == "" {
		return "", fmt.Errorf("origin url of %s: %w", repoPath, ErrNoOrigin)
	}
	return url, nil
}
