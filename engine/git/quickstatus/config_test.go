package quickstatus

import (
	"os"
	"path/filepath"
	"testing"
)

// A global configuration with includes (a work identity for one tree is
// common) is followed as git follows it, so such users keep the fast
// path; what the included file sets counts.
func TestIncludedConfig(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	inc := filepath.Join(t.TempDir(), "work.inc")
	if err := os.WriteFile(inc, []byte("[user]\n\temail = work@example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "", "config", "--global", "includeIf.gitdir:/.path", inc)
	agree(t, clone)
	// An included core.ignoreCase is seen: quickstatus then asks git.
	if err := os.WriteFile(inc, []byte("[core]\n\tignoreCase = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantSlow(t, clone)
}

// A linked worktree: HEAD and index in its own git directory, refs,
// objects, config and excludes in the common one.
func TestLinkedWorktree(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	wt := filepath.Join(t.TempDir(), "wt")
	run(t, clone, "worktree", "add", "-q", "--track", "-b", "side", wt, "origin/main")
	run(t, wt, "status", "--porcelain")
	agree(t, wt)
	write(t, clone, ".git/info/exclude", "*.scratch\n")
	write(t, wt, "notes.scratch", "x\n")
	agree(t, wt)
	write(t, wt, "new.txt", "x\n")
	wantSlow(t, wt)
}

// A submodule's work tree: whatever quickstatus answers must be git's.
func TestSubmoduleWorkTree(t *testing.T) {
	isolate(t)
	bare, _, clone := upstreamAndClone(t)
	run(t, clone, "-c", "protocol.file.allow=always", "submodule", "add", "-q", bare, "sub")
	run(t, clone, "commit", "-qm", "sub")
	sub := filepath.Join(clone, "sub")
	run(t, sub, "status", "--porcelain")
	if _, err := Read(sub); err == nil {
		agree(t, sub)
	}
	write(t, sub, "new.txt", "x\n")
	wantSlow(t, sub)
}
