// Package difftest is the differential harness that proves mgit's reading of
// a repository agrees with git's.
//
// It generates random but reproducible repositories — the same (seed,
// features) pair always builds the same repository — with the real git
// binary, asks git what it sees (`git status --porcelain=v2`, `git rev-list
// --left-right --count`, `git stash list`, `git check-ignore`) and compares
// every field of a git.Status produced by mgit with git's answer.
//
// Git is the oracle: a disagreement is a bug in mgit unless it is listed in
// the Known allow-list with a reason (see KNOWN.md), which exists so the
// suite stays green while a fix is under way and is meant to shrink to
// nothing. A backend that cannot handle a feature may answer with an error
// wrapping git.ErrUnsupported (or quickstatus.ErrSlowPath); it may never
// answer wrongly.
//
// The generator and the comparison live here; the tests that run them over
// both backends and quickstatus are in this package's _test files.
package difftest
