// Package cli is the git backend that runs the git binary (2.31 or newer).
//
// It owns everything about talking to git as a process: the environment
// that makes prompts impossible (GIT_TERMINAL_PROMPT=0, empty askpass, ssh
// in batch mode, a session without a terminal, stdin from /dev/null),
// credentials passed only through GIT_CONFIG_COUNT as an Authorization
// header scoped to the remote's origin (never argv, URL or .git/config),
// cancellation that stops the whole process group (SIGTERM, then SIGKILL),
// progress parsed from git's --progress output, and error messages scrubbed
// of credentials and classified with git.Classify.
//
// Status costs at most one process: quickstatus in-process when it can,
// else `git status --porcelain=v2` parsed in status_parse.go, plus the HEAD
// commit read from the object database in-process (gitobj), with
// `git cat-file` as the fall-back. Status.Head.Time is the author time.
// A repository git last found dirty, its index unwritten since, skips the
// in-process attempt (state.DirtyHints). The `git version` check is kept in
// the cache directory per git binary (path, size, mtime).
//
// Fetch is one git process and Pull at most two (fetch, then merge or
// rebase when the upstream moved): HEAD, the upstream and ref values are
// read in-process (repofiles.go), with `git rev-parse` as the fall-back for
// anything unusual, and git's `maintenance run --auto` is skipped only when
// an in-process check proves it would do nothing (maintenance.go).
package cli
