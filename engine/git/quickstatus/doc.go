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
// timestamps, unusual config, submodules, worktrees, unborn branches, a
// long divergence…). Callers then ask git.
//
// The rule it lives by: every answer it gives is one git would give. Where
// it is unsure it says so; it never guesses "clean". Its ignore rules are a
// subset of git's (the repository's .gitignore files and info/exclude, not
// the user's global excludes), which can only make it give up more often.
package quickstatus
