package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

func (s *suite) status(t *testing.T) {
	statusCounts(t, s)
	statusTracking(t, s)
	statusRefs(t, s)
	statusFresh(t, s)
}

// statusCounts covers the file counts of a work tree tracking its upstream.
func statusCounts(t *testing.T, s *suite) {
	t.Run("clean tracking branch", func(t *testing.T) {
		f := s.newFixture(t)
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main"})
	})

	t.Run("dirty", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Commit(t, f.work, "b.txt", "b\n", "add b")
		gittest.Commit(t, f.work, ".gitignore", "*.log\n", "ignore logs")
		f.git("push", "-q", "origin", "main")
		// README.md: staged, then modified again: counts as staged and unstaged.
		gittest.WriteFile(t, f.work, "README.md", "staged\n")
		gittest.Git(t, f.work, "add", "README.md")
		gittest.WriteFile(t, f.work, "README.md", "staged then modified\n")
		// b.txt: modified, not staged.
		gittest.WriteFile(t, f.work, "b.txt", "modified\n")
		// c.txt: new and staged.
		gittest.WriteFile(t, f.work, "c.txt", "new\n")
		gittest.Git(t, f.work, "add", "c.txt")
		// Two untracked files, one ignored file (not counted).
		gittest.WriteFile(t, f.work, "u1.txt", "u\n")
		gittest.WriteFile(t, f.work, "u2.txt", "u\n")
		gittest.WriteFile(t, f.work, "debug.log", "ignored\n")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{
			Branch: "main", Upstream: "origin/main", Staged: 2, Unstaged: 2, Untracked: 2,
		})
	})

	t.Run("deleted files", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Commit(t, f.work, "b.txt", "b\n", "add b")
		f.git("push", "-q", "origin", "main")
		gittest.Git(t, f.work, "rm", "-q", "README.md")                   // staged deletion
		if err := os.Remove(filepath.Join(f.work, "b.txt")); err != nil { // unstaged deletion
			t.Fatal(err)
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{
			Branch: "main", Upstream: "origin/main", Staged: 1, Unstaged: 1,
		})
	})

	t.Run("ahead", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Commit(t, f.work, "a.txt", "1\n", "local 1")
		gittest.Commit(t, f.work, "a.txt", "2\n", "local 2")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main", Ahead: 2})
	})
}

// statusTracking covers ahead/behind, detached HEAD and branches without upstream.
func statusTracking(t *testing.T, s *suite) {
	t.Run("behind after fetch", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("up.txt", "up\n", "upstream")
		// Nothing fetched yet: the backend must not contact the server.
		before := f.srv.Requests()
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main"})
		if n := f.srv.Requests() - before; n != 0 {
			t.Errorf("Status made %d HTTP requests, want 0", n)
		}
		f.git("fetch", "-q", "origin")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main", Behind: 1})
	})

	t.Run("diverged", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("up.txt", "up\n", "upstream 1")
		f.upstreamCommit("up.txt", "up2\n", "upstream 2")
		gittest.Commit(t, f.work, "local.txt", "l\n", "local")
		f.git("fetch", "-q", "origin")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{
			Branch: "main", Upstream: "origin/main", Ahead: 1, Behind: 2,
		})
	})

	t.Run("detached HEAD", func(t *testing.T) {
		f := s.newFixture(t)
		first := gittest.Head(t, f.work)
		gittest.Commit(t, f.work, "a.txt", "a\n", "second")
		gittest.Git(t, f.work, "checkout", "-q", "--detach", first)
		got := status(t, f.b, f.work)
		wantStatus(t, f.work, got, git.Status{Detached: true})
		if got.Head.SHA != first {
			t.Errorf("Head.SHA = %s, want %s", got.Head.SHA, first)
		}
	})

	t.Run("no upstream", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Git(t, f.work, "checkout", "-q", "-b", "topic")
		gittest.Commit(t, f.work, "t.txt", "t\n", "topic work")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "topic"})
	})

	t.Run("local repository without remote", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "local")
		gittest.InitRepo(t, dir)
		gittest.Commit(t, dir, "a.txt", "a\n", "only commit")
		wantStatus(t, dir, status(t, b, dir), git.Status{Branch: "main"})
	})
}

// statusRefs covers a gone upstream, stashes and a merge conflict.
func statusRefs(t *testing.T, s *suite) {
	t.Run("upstream gone", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Git(t, f.work, "checkout", "-q", "-b", "feature")
		gittest.Commit(t, f.work, "f.txt", "f\n", "feature work")
		f.git("push", "-q", "-u", "origin", "feature")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "feature", Upstream: "origin/feature"})
		gittest.Git(t, f.srv.BareDir(repo), "branch", "-D", "feature")

		// Without Prune the remote-tracking ref stays: not gone yet.
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "feature", Upstream: "origin/feature"})

		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth, Prune: true}); err != nil {
			t.Fatalf("Fetch with Prune: %v", err)
		}
		if _, err := gittest.TryGit(f.work, "rev-parse", "--verify", "-q", "refs/remotes/origin/feature"); err == nil {
			t.Fatal("Fetch with Prune left refs/remotes/origin/feature")
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{
			Branch: "feature", Upstream: "origin/feature", UpstreamGone: true,
		})
	})

	t.Run("stash", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.WriteFile(t, f.work, "README.md", "one\n")
		gittest.Git(t, f.work, "stash", "-q")
		gittest.WriteFile(t, f.work, "README.md", "two\n")
		gittest.Git(t, f.work, "stash", "-q")
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main", Stash: 2})
	})

	t.Run("merge conflict", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("README.md", "upstream\n", "upstream edit")
		f.upstreamCommit("new.txt", "new\n", "upstream add")
		gittest.Commit(t, f.work, "README.md", "local\n", "local edit")
		f.git("fetch", "-q", "origin")
		if _, err := gittest.TryGit(f.work, "merge", "--no-edit", "origin/main"); err == nil {
			t.Fatal("merge did not conflict")
		}
		// README.md is unmerged (a conflict, not staged or unstaged); the
		// merge staged new.txt.
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{
			Branch: "main", Upstream: "origin/main", Ahead: 1, Behind: 2, Staged: 1, Conflicts: 1,
		})
	})
}

// statusFresh covers repositories without commits, the head commit and non-repositories.
func statusFresh(t *testing.T, s *suite) {
	t.Run("no commits yet", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "empty")
		gittest.InitRepo(t, dir)
		gittest.WriteFile(t, dir, "a.txt", "a\n")
		wantStatus(t, dir, status(t, b, dir), git.Status{Branch: "main", NoCommits: true, Untracked: 1})
	})

	t.Run("head commit", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "repo")
		gittest.InitRepo(t, dir)
		gittest.WriteFile(t, dir, "a.txt", "a\n")
		gittest.Git(t, dir, "add", "a.txt")
		// Author and committer differ in name and date: Head is the author
		// as `git log -1` shows it. The zone is kept out of the comparison
		// (Time.Equal), the instant is not.
		gittest.GitEnv(t, dir, []string{"GIT_COMMITTER_DATE=2024-03-01T10:00:00Z", "GIT_COMMITTER_NAME=Committer"},
			"commit", "-q", "--author=Ada Lovelace <ada@example.com>", "--date=2021-06-15T08:30:00+05:30",
			"-m", "subject line", "-m", "body paragraph")
		got := status(t, b, dir)
		want := headCommit(t, dir)
		if want.Author != "Ada Lovelace" || want.Subject != "subject line" || want.Time.Unix() != 1623726000 {
			t.Fatalf("fixture: git log says %+v", want)
		}
		wantStatus(t, dir, got, git.Status{Branch: "main", Head: want})

		// A subject of two lines, in a dirty work tree so the backend's
		// own status path answers (not the in-process fast path): Head is
		// git's %s either way, the first paragraph joined by spaces.
		gittest.WriteFile(t, dir, "a.txt", "b\n")
		gittest.Git(t, dir, "commit", "-q", "-am", "line one\nline two\n\nbody")
		gittest.WriteFile(t, dir, "untracked.txt", "u\n")
		got = status(t, b, dir)
		if want := gittest.Git(t, dir, "log", "-1", "--format=%s"); got.Head.Subject != want {
			t.Fatalf("Head.Subject = %q, git says %q", got.Head.Subject, want)
		}
	})

	t.Run("not a repository", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := t.TempDir()
		_, err := b.Status(ctx(t), dir)
		wantErr(t, "Status of a plain directory", err, git.ErrNotRepository)
	})
}
