// Package gogit is the go-git backend of engine/git: every operation runs
// in-process through github.com/go-git/go-git/v5, so it works in the
// distroless container, where there is no git binary.
//
// It owns the translation between go-git and mgit's contract: opening
// repositories (including linked worktrees), the Status report, Fetch, a
// fast-forward-only Pull that never touches a path with local changes, Clone,
// and the classification of go-git's errors into the sentinel errors of
// package git.
//
// Limits, each reported as an error wrapping git.ErrUnsupported that points
// at --git-backend cli: pull --rebase, repositories with a split index or
// with extensions go-git does not know (extensions.worktreeConfig, used by
// sparse checkout).
package gogit
