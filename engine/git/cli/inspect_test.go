package cli

import (
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
