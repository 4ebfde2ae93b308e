package conformance

import (
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// The fixture is what every case builds on: a clone tracking origin/main of
// a token-protected server repository, with upstream commits visible after
// a fetch. Backends are not needed to check it.
func TestFixture(t *testing.T) {
	s := &suite{newBackend: func(*testing.T) git.Backend { return nil }}
	f := s.newFixture(t)
	if got := gittest.Git(t, f.work, "rev-parse", "--abbrev-ref", "@{upstream}"); got != "origin/main" {
		t.Fatalf("work tree upstream = %q, want origin/main", got)
	}
	if got := gittest.Git(t, f.work, "remote", "get-url", "origin"); got != f.srv.URL(repo) {
		t.Fatalf("origin = %q, want %q", got, f.srv.URL(repo))
	}
	up := f.upstreamCommit("up.txt", "up\n", "upstream")
	f.git("fetch", "-q", "origin")
	if got := gittest.Git(t, f.work, "rev-list", "--count", "HEAD..origin/main"); got != "1" {
		t.Fatalf("behind = %s after an upstream commit, want 1", got)
	}
	if got := gittest.Git(t, f.work, "rev-parse", "origin/main"); got != up {
		t.Fatalf("origin/main = %s, want %s", got, up)
	}
	noTokenUnder(t, f.work+"/.git")
}

func TestHeadCommit(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.WriteFile(t, dir, "a.txt", "a\n")
	gittest.Git(t, dir, "add", "a.txt")
	gittest.GitEnv(t, dir, []string{"GIT_COMMITTER_DATE=2024-03-01T10:00:00Z"},
		"commit", "-q", "--author=Ada Lovelace <ada@example.com>", "--date=2021-06-15T08:30:00+05:30",
		"-m", "subject line", "-m", "body")
	got := headCommit(t, dir)
	want := git.Commit{SHA: gittest.Head(t, dir), Subject: "subject line", Author: "Ada Lovelace",
		Time: time.Date(2021, 6, 15, 3, 0, 0, 0, time.UTC)}
	if got.SHA != want.SHA || got.Subject != want.Subject || got.Author != want.Author || !got.Time.Equal(want.Time) {
		t.Fatalf("headCommit = %+v, want %+v", got, want)
	}
}

func TestSnapshotSeesChanges(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a.txt", "a\n", "one")
	before := takeSnapshot(t, dir, "a.txt")
	gittest.WriteFile(t, dir, "a.txt", "changed\n")
	now := takeSnapshot(t, dir, "a.txt")
	if now.porcelain == before.porcelain || now.files["a.txt"] == before.files["a.txt"] {
		t.Fatalf("snapshot missed a change: before %+v, after %+v", before, now)
	}
	gittest.WriteFile(t, dir, "a.txt", "a\n")
	before.unchanged(t, dir)
}
