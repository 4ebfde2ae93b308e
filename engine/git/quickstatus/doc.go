// Package quickstatus answers "is this repository clean and in sync?" without
// starting a process, for the common case where it is.
//
// Starting git costs about as much as git's whole work on a small
// repository, so a status sweep over a thousand repositories is dominated by
// process creation. Read does what git status does for a clean work tree —
// compare every index entry's stat data with the file, look for files the
// index does not know, compare the index's tree with HEAD's, compare HEAD
// with its upstream, counting ahead/behind over a short walk — entirely
// in-process, and gives up with ErrSlowPath the moment anything is not
// trivially clean or is outside what it understands (conflicts, racy
// timestamps, unusual config, submodules, unborn branches, a long
// divergence…). Callers then ask git. Linked worktrees are read like any
// other work tree.
//
// The rule it lives by: every answer it gives is one git would give. Where
// it is unsure it says so; it never guesses "clean". Everything it reads
// of git's files it reads through gitobj, which is proven against git:
// configuration in git's precedence (includes followed as git does), refs, the
// index, the ahead/behind walk (git's, clock skew and commit-graph
// included) and the ignore rules (a port of git's wildmatch and dir.c:
// .gitignore files, info/exclude, core.excludesFile).
package quickstatus
