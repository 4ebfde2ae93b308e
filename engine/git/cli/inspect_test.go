package cli

import (
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

func TestParseChangesRenameAndConflict(t *testing.T) {
	out := "2 R. N... 100644 100644 100644 1111111111111111111111111111111111111111 1111111111111111111111111111111111111111 R100 new name.txt\x00old.txt\x00" +
		"u UU N... 100644 100644 100644 100644 a a a both.txt\x00" +
		"? zz/\x00"
	got, err := parseChanges([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []git.FileChange{
		{Path: "both.txt", Conflict: true},
		{Path: "new name.txt", Staged: true},
		{Path: "zz/", Untracked: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
	if _, err := parseChanges([]byte("1 M. short\x00")); err == nil {
		t.Error("short entry: no error")
	}
}

func TestParseBranchesSkipsSymbolicHead(t *testing.T) {
	br := parseBranches([]byte("refs/heads/main\nrefs/heads/a/b\nrefs/remotes/origin/HEAD\nrefs/remotes/origin/main\n"))
	if len(br.Local) != 2 || br.Local[0] != "a/b" || len(br.Remote) != 1 || br.Remote[0] != "origin/main" {
		t.Fatalf("parseBranches = %+v", br)
	}
}

// TestBranchCommandsArgvAndLocks checks what git receives: the read-only
// calls never take optional locks, the checkout does (it writes the
// index), and a start point reaches argv only as a full ref name.
func TestBranchCommandsArgvAndLocks(t *testing.T) {
	f := &fakeRunner{answer: func(c command) (output, error) {
		switch {
		case c.args[0] == "for-each-ref":
			return output{stdout: []byte("refs/heads/main\nrefs/remotes/origin/main\nrefs/remotes/origin/feat\n")}, nil
		case c.args[0] == "rev-parse" && c.args[1] == "--show-toplevel":
			return output{stdout: []byte("/r\n.git/index\n.git/MERGE_HEAD\n.git/rebase-merge\n.git/rebase-apply\n.git/CHERRY_PICK_HEAD\n.git/REVERT_HEAD\n")}, nil
		case c.args[0] == "rev-parse":
			// A different commit for HEAD and the target, so the dry-run
			// merge runs.
			return output{stdout: []byte(strings.TrimSuffix(c.args[len(c.args)-1], "^{commit}") + "\n")}, nil
		}
		return output{}, nil
	}}
	b := fakeBackend(f)
	ctx := t.Context()
	if _, err := b.Log(ctx, "/r", 5); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Changes(ctx, "/r"); err != nil {
		t.Fatal(err)
	}
	if err := b.Checkout(ctx, "/r", git.CheckoutOptions{Branch: "feat", Create: true}); err != nil {
		t.Fatal(err)
	}
	if err := b.Checkout(ctx, "/r", git.CheckoutOptions{Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"log -n 5 --no-color --format=%H%x00%an%x00%at%x00%s",
		"status --porcelain=v2 -z --untracked-files=normal",
		"for-each-ref --format=%(refname) refs/heads refs/remotes",
		"switch --create feat --track refs/remotes/origin/feat",
		"switch --no-guess main",
	}
	// The checkout's checks (rev-parse, worktree list, ls-files, a
	// read-tree on a copy of the index, diff-tree) all run without locks
	// in between; only git switch writes.
	var calls []command
	for _, c := range f.calls {
		v, ok := envValue(c.env, "GIT_OPTIONAL_LOCKS")
		if ro := ok && v == "0"; ro != (c.args[0] != "switch") {
			t.Errorf("git %s: GIT_OPTIONAL_LOCKS=0 is %v", strings.Join(c.args, " "), ro)
		}
		switch c.args[0] {
		case "log", "status", "for-each-ref", "switch":
			calls = append(calls, c)
		}
	}
	if len(calls) != len(want) {
		t.Fatalf("%d calls, want %d", len(calls), len(want))
	}
	for i, w := range want {
		c := calls[i]
		if got := strings.Join(c.args, " "); got != w {
			t.Errorf("call %d: git %s, want git %s", i, got, w)
		}
	}
	// An option-like name never reaches git.
	n := len(f.calls)
	if err := b.Checkout(ctx, "/r", git.CheckoutOptions{Branch: "--detach"}); err == nil || len(f.calls) != n {
		t.Fatalf("option-like branch: err %v, %d new calls", err, len(f.calls)-n)
	}
}
