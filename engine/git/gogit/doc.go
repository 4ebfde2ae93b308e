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
// Pull, Checkout and Clone write the work tree themselves, not through
// go-git's Worktree, so that the result is the one git would produce,
// proven by a differential test against git (differential_test.go):
//   - files are created 0666 or 0777 and the process umask applies, as to
//     git's open(2); directories 0777 likewise;
//   - end-of-line conversion follows git's convert.c (text, -text, binary,
//     text=auto with git's binary detection, eol, the legacy crlf
//     attribute, core.autocrlf, core.eol), with .gitattributes read as
//     git's attr.c does (every directory level, macros, info/attributes,
//     the global and system files, git's wildmatch);
//   - core.symlinks=false writes the link text as a plain file;
//   - git's assume-unchanged bit survives the index rewrite.
//
// An update is all or nothing (ffapply.go, wttx.go, journal.go): it takes
// index.lock, decides everything first, stages new contents in a
// .mgit-ff-* directory at the top of the work tree, moves replaced files
// aside there, writes the index through index.lock and moves the refs
// last. Any failure before the refs move puts HEAD, index and work tree
// back; a process killed half-way is undone (or, when its refs had moved,
// tidied) by the next Pull or Checkout, which a journal and its flock make
// safe while the killed process's successor runs.
//
// Blobs are streamed from their pack or loose file into the work tree
// (go-git's large-object threshold), so a checkout costs a buffer, not the
// file. Fetch and clone still go through go-git's pack handling, which
// holds about one copy of the largest object (measured in
// memory_test.go).
//
// Limits, each reported as an error wrapping git.ErrUnsupported that points
// at --git-backend cli: pull --rebase, repositories with a split index or
// with extensions go-git does not know (extensions.worktreeConfig, used by
// sparse checkout), and work-tree writes git would transform in ways this
// package does not reproduce: filter drivers (filter=lfs), ident,
// working-tree-encoding, core.ignoreCase, core.sparseCheckout and
// skip-worktree entries on changed paths, and config that includes other
// files. These are refused before anything changes.
package gogit
