package engine

import (
	"context"
	"fmt"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// Backend names accepted by SelectBackend (--git-backend).
const (
	BackendAuto  = "auto"
	BackendCLI   = "cli"
	BackendGoGit = "go-git"
)

// SelectBackend returns the git backend called name. "auto" (or "") picks
// the git CLI when a usable git is on PATH — it is faster for status and
// clone and supports rebase — and go-git otherwise, as in the distroless
// container. "cli" fails when git is unusable rather than falling back, so
// an explicit choice is never silently overridden.
func SelectBackend(ctx context.Context, name string) (git.Backend, error) {
	switch name {
	case BackendAuto, "":
		if cli.Available(ctx) == nil {
			return cli.New(), nil
		}
		return gogit.New(), nil
	case BackendCLI:
		if err := cli.Available(ctx); err != nil {
			return nil, fmt.Errorf("git backend cli: %w", err)
		}
		return cli.New(), nil
	case BackendGoGit:
		return gogit.New(), nil
	}
	return nil, fmt.Errorf("unknown git backend %q (want auto, cli or go-git)", name)
}
