package gogit_test

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// The upstream is read from every file git reads, in git's precedence:
// here branch.main's settings live in the global file, which go-git's
// repository config does not read.
func TestStatusUpstreamFromGitsConfig(t *testing.T) {
	_, work := cloned(t)
	gittest.Git(t, work, "config", "--remove-section", "branch.main")
	gittest.Git(t, "", "config", "--global", "branch.main.remote", "origin")
	gittest.Git(t, "", "config", "--global", "branch.main.merge", "refs/heads/main")
	gittest.WriteFile(t, work, "dirty.txt", "so quickstatus does not answer\n")
	want := gittest.Git(t, work, "rev-parse", "--abbrev-ref", "@{upstream}")
	if st := status(t, work); st.Upstream != want {
		t.Errorf("upstream %q, git says %q", st.Upstream, want)
	}
}
