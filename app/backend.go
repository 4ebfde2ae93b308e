package app

import (
	"context"
	"fmt"

	"github.com/mgit-dev/mgit/engine"
	"github.com/mgit-dev/mgit/engine/git"
	gitcli "github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gogit"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
)

// BackendChooser returns the git backend called name (--git-backend). The
// composition root picks the concrete backends; the engine only ever
// receives the git.Backend chosen here.
type BackendChooser func(ctx context.Context, name string) (git.Backend, error)

// ChooseBackend is mgit's BackendChooser. "auto" (or "") picks the git CLI
// when a usable git is on PATH — it is faster for status and large clones
// and supports rebase — except for the clone of a small repository
// (listed as small, or of unknown size until its pack passes 1 MiB:
// cloneBySize; go-git, in-process, costs a fraction of git's processes),
// and go-git otherwise, as in the distroless container.
// "cli" fails when git is unusable rather than falling back, so an explicit
// choice is never silently overridden. The git CLI is told which
// environment variables hold secrets (secure.SecretEnv over every provider
// kind's token variables): no git process, and so no hook or filter,
// inherits a token or the keyring password.
func ChooseBackend(ctx context.Context, name string) (git.Backend, error) {
	switch name {
	case engine.BackendAuto, "":
		if gitcli.Available(ctx) == nil {
			cli := newCLIBackend()
			return newCloneBySize(cli, gogit.New()), nil
		}
		return gogit.New(), nil
	case engine.BackendCLI:
		if err := gitcli.Available(ctx); err != nil {
			return nil, fmt.Errorf("git backend cli: %w", err)
		}
		return newCLIBackend(), nil
	case engine.BackendGoGit:
		return gogit.New(), nil
	}
	return nil, fmt.Errorf("unknown git backend %q (want auto, cli or go-git)", name)
}

func newCLIBackend() *gitcli.Backend {
	b := gitcli.New()
	b.SecretEnv = secure.SecretEnv(provider.AllTokenEnv())
	return b
}
