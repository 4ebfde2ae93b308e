package gogit_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestStatusAheadBehindSkewedClock: one upstream commit dated before its
// parent (a skewed clock). git counts ahead 1, behind 2; the old go-git
// walk stopped as soon as every queued commit was on both sides and
// counted the merge base's ancestors as ahead (3). Status must give git's
// answer whether or not the repository is clean (quickstatus answers the
// clean case).
func TestStatusAheadBehindSkewedClock(t *testing.T) {
	gittest.Isolate(t)
	dir := filepath.Join(t.TempDir(), "repo")
	gittest.InitRepo(t, dir)
	// c0 <- c1 <- c2 (merge base) <- L1 (main)
	//                  c2 <- U1 (dated long before c2) <- U2 (origin/main)
	stream := `commit refs/heads/main
mark :1
committer T <t@example.com> 1000 +0000
data 2
c0
M 644 inline f
data 2
c0

commit refs/heads/main
mark :2
committer T <t@example.com> 1100 +0000
data 2
c1
from :1

commit refs/heads/main
mark :3
committer T <t@example.com> 1200 +0000
data 2
c2
from :2

commit refs/heads/main
mark :4
committer T <t@example.com> 1300 +0000
data 2
l1
from :3

commit refs/remotes/origin/main
mark :5
committer T <t@example.com> 500 +0000
data 2
u1
from :3

commit refs/remotes/origin/main
mark :6
committer T <t@example.com> 1250 +0000
data 2
u2
from :5

`
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stream)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	gittest.Git(t, dir, "reset", "-q", "--hard", "main")
	gittest.Git(t, dir, "remote", "add", "origin", "https://example.invalid/r.git")
	gittest.Git(t, dir, "branch", "-q", "--set-upstream-to=origin/main")
	if got := gittest.Git(t, dir, "rev-list", "--left-right", "--count", "main...origin/main"); got != "1\t2" {
		t.Fatalf("fixture: git counts %q, want 1\t2", got)
	}
	// Dirty, so the go-git walk answers rather than quickstatus.
	gittest.WriteFile(t, dir, "untracked.txt", "u\n")
	st := status(t, dir)
	if st.Ahead != 1 || st.Behind != 2 || st.AheadBehindCapped {
		t.Errorf("go-git status: ahead %d behind %d capped %v; git says ahead 1 behind 2", st.Ahead, st.Behind, st.AheadBehindCapped)
	}
	// With a commit-graph git orders its merge-base search by generation;
	// the answer must still be git's.
	gittest.Git(t, dir, "commit-graph", "write", "--reachable")
	want := gittest.Git(t, dir, "rev-list", "--left-right", "--count", "main...origin/main")
	st = status(t, dir)
	if got := fmt.Sprintf("%d\t%d", st.Ahead, st.Behind); got != want || st.AheadBehindCapped {
		t.Errorf("with a commit-graph: %q capped %v; git says %q", got, st.AheadBehindCapped, want)
	}
}
