package refchange

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

func TestTrackingRef(t *testing.T) {
	cfg, err := gitobj.ParseConfig([]byte("[remote \"origin\"]\n\turl = x\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n" +
		"[remote \"odd\"]\n\turl = y\n\tfetch = refs/heads/main:refs/remotes/odd/trunk\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ remote, merge, want string }{
		{"origin", "refs/heads/main", "refs/remotes/origin/main"},
		{"origin", "refs/heads/a/b", "refs/remotes/origin/a/b"},
		{"odd", "refs/heads/main", "refs/remotes/odd/trunk"},
		{"odd", "refs/heads/other", ""},
		{".", "refs/heads/base", "refs/heads/base"},
		{"", "refs/heads/main", ""},
		{"no/such", "refs/heads/main", ""},
	} {
		if got := trackingRef(cfg, c.remote, c.merge); got != c.want {
			t.Errorf("trackingRef(%q, %q) = %q, want %q", c.remote, c.merge, got, c.want)
		}
	}
}

// TestIncomingMatchesGit: the commits counted as arriving are the ones git
// counts with rev-list old..new, merges included.
func TestIncomingMatchesGit(t *testing.T) {
	gittest.Isolate(t)
	up := filepath.Join(t.TempDir(), "up")
	gittest.InitRepo(t, up)
	gittest.Commit(t, up, "a.txt", "a\n", "base")
	work := filepath.Join(t.TempDir(), "work")
	gittest.Git(t, "", "clone", "-q", up, work)
	before := mustTake(t, work)
	old := gittest.Head(t, work)

	gittest.Git(t, up, "checkout", "-q", "-b", "side")
	gittest.Commit(t, up, "s.txt", "s\n", "side")
	gittest.Git(t, up, "checkout", "-q", "main")
	for i := range 4 {
		gittest.Commit(t, up, "m.txt", strconv.Itoa(i)+"\n", "main "+strconv.Itoa(i))
	}
	gittest.Git(t, up, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	gittest.Git(t, work, "fetch", "-q", "origin")

	got := Fetch(before, mustTake(t, work))
	want, _ := strconv.Atoi(gittest.Git(t, work, "rev-list", "--count", old+"..origin/main"))
	if got.Incoming != want || got.Forced || got.Uncounted {
		t.Errorf("Incoming %d (forced %v, uncounted %v), git counts %d", got.Incoming, got.Forced, got.Uncounted, want)
	}
	if strings.Join(got.NewBranches, ",") != "origin/side" {
		t.Errorf("new branches %v, want origin/side", got.NewBranches)
	}
}

func TestSnapshotFacts(t *testing.T) {
	gittest.Isolate(t)
	dir := filepath.Join(t.TempDir(), "r")
	gittest.InitRepo(t, dir)
	s := mustTake(t, dir)
	if s.Remotes != 0 || s.Head.SHA != "" || s.Head.Branch != "main" || s.UpstreamConfigured {
		t.Errorf("unborn, no remote: %+v", s)
	}
	gittest.Commit(t, dir, "a.txt", "a\n", "a")
	gittest.Git(t, dir, "remote", "add", "origin", "https://example.invalid/r.git")
	gittest.Git(t, dir, "config", "branch.main.remote", "origin")
	gittest.Git(t, dir, "config", "branch.main.merge", "refs/heads/main")
	s = mustTake(t, dir)
	if s.Remotes != 1 || s.Head.SHA == "" || !s.UpstreamConfigured || s.Upstream != "refs/remotes/origin/main" {
		t.Errorf("tracking branch: %+v", s)
	}
	gittest.Git(t, dir, "checkout", "-q", "--detach")
	if s = mustTake(t, dir); !s.Head.Detached || s.UpstreamConfigured {
		t.Errorf("detached: %+v", s)
	}
}

func mustTake(t *testing.T, dir string) *Snapshot {
	t.Helper()
	s, err := Take(dir, nil)
	if err != nil {
		t.Fatalf("Take(%s): %v", dir, err)
	}
	return s
}
