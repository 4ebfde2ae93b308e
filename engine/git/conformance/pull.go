package conformance

import (
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

func (s *suite) fetch(t *testing.T) {
	t.Run("new upstream commit", func(t *testing.T) {
		f := s.newFixture(t)
		head := gittest.Head(t, f.work)
		up := f.upstreamCommit("up.txt", "up\n", "upstream")
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		if got := gittest.Git(t, f.work, "rev-parse", "origin/main"); got != up {
			t.Errorf("origin/main = %s, want %s", got, up)
		}
		if got := gittest.Head(t, f.work); got != head {
			t.Errorf("Fetch moved HEAD: %s -> %s", head, got)
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main", Behind: 1})
		noTokenUnder(t, f.work+"/.git")
	})

	t.Run("up to date", func(t *testing.T) {
		f := s.newFixture(t)
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main"})
	})

	t.Run("branch without upstream fetches origin", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Git(t, f.work, "checkout", "-q", "-b", "topic")
		up := f.upstreamCommit("up.txt", "up\n", "upstream")
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		if got := gittest.Git(t, f.work, "rev-parse", "origin/main"); got != up {
			t.Errorf("origin/main = %s, want %s", got, up)
		}
	})

	t.Run("wrong token", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("up.txt", "up\n", "upstream")
		err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: git.Credentials{Username: "x", Password: "wrong"}})
		wantErr(t, "Fetch with a wrong token", err, git.ErrAuth)
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main"})
	})

	t.Run("server drops connection", func(t *testing.T) {
		f := s.newFixture(t)
		f.srv.FailNext(1000, gittest.FailDrop)
		err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth})
		wantErr(t, "Fetch from a failing server", err, git.ErrNetwork)
		if !git.Transient(err) {
			t.Errorf("Transient(%v) = false, want true", err)
		}
	})

	t.Run("not a repository", func(t *testing.T) {
		b := s.backendOnly(t)
		err := b.Fetch(ctx(t), t.TempDir(), git.FetchOptions{})
		wantErr(t, "Fetch in a plain directory", err, git.ErrNotRepository)
	})
}

func (s *suite) pull(t *testing.T) {
	pullForward(t, s)
	pullRefused(t, s)
	pullRebase(t, s)
}

// pullForward covers pulls that fast-forward or have nothing to do.
func pullForward(t *testing.T, s *suite) {
	t.Run("fast-forward", func(t *testing.T) {
		f := s.newFixture(t)
		from := gittest.Head(t, f.work)
		f.upstreamCommit("up.txt", "up\n", "upstream 1")
		to := f.upstreamCommit("README.md", "# changed\n", "upstream 2")
		res, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth})
		if err != nil {
			t.Fatalf("Pull: %v", err)
		}
		if want := (git.PullResult{Updated: true, From: from, To: to}); res != want {
			t.Errorf("PullResult = %+v, want %+v", res, want)
		}
		if got := gittest.Head(t, f.work); got != to {
			t.Errorf("HEAD = %s, want %s", got, to)
		}
		for file, content := range map[string]string{"up.txt": "up\n", "README.md": "# changed\n"} {
			if got := gittest.ReadFile(t, f.work, file); got != content {
				t.Errorf("%s = %q, want %q", file, got, content)
			}
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main"})
		noTokenUnder(t, f.work+"/.git")
	})

	t.Run("fast-forward with unrelated local changes", func(t *testing.T) {
		f := s.newFixture(t)
		to := f.upstreamCommit("up.txt", "up\n", "upstream")
		gittest.WriteFile(t, f.work, "README.md", "local edit\n")
		gittest.WriteFile(t, f.work, "scratch.txt", "untracked\n")
		res, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth})
		if err != nil {
			t.Fatalf("Pull: %v", err)
		}
		if !res.Updated || res.To != to {
			t.Errorf("PullResult = %+v, want Updated to %s", res, to)
		}
		if got := gittest.ReadFile(t, f.work, "README.md"); got != "local edit\n" {
			t.Errorf("local edit lost: README.md = %q", got)
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{
			Branch: "main", Upstream: "origin/main", Unstaged: 1, Untracked: 1,
		})
	})

	t.Run("up to date", func(t *testing.T) {
		f := s.newFixture(t)
		head := gittest.Head(t, f.work)
		res, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth})
		if err != nil {
			t.Fatalf("Pull: %v", err)
		}
		if want := (git.PullResult{Updated: false, From: head, To: head}); res != want {
			t.Errorf("PullResult = %+v, want %+v", res, want)
		}
	})
}

// pullRefused covers pulls that must fail and change nothing.
func pullRefused(t *testing.T, s *suite) {
	t.Run("not fast-forward", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("up.txt", "up\n", "upstream")
		gittest.Commit(t, f.work, "local.txt", "local\n", "local")
		gittest.WriteFile(t, f.work, "README.md", "uncommitted\n")
		before := takeSnapshot(t, f.work, "README.md", "local.txt")
		_, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth})
		wantErr(t, "Pull of a diverged branch", err, git.ErrNotFastForward)
		before.unchanged(t, f.work)
		if _, err := gittest.TryGit(f.work, "rev-parse", "--verify", "-q", "MERGE_HEAD"); err == nil {
			t.Error("Pull left a merge in progress")
		}
	})

	t.Run("no upstream", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Git(t, f.work, "checkout", "-q", "-b", "topic")
		before := takeSnapshot(t, f.work, "README.md")
		_, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth})
		wantErr(t, "Pull without upstream", err, git.ErrNoUpstream)
		before.unchanged(t, f.work)
	})

	t.Run("local changes in the way", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("README.md", "upstream\n", "upstream edit")
		gittest.WriteFile(t, f.work, "README.md", "my precious edit\n")
		before := takeSnapshot(t, f.work, "README.md")
		_, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth})
		wantErr(t, "Pull over a dirty file", err, git.ErrLocalChanges)
		before.unchanged(t, f.work)
	})

	t.Run("wrong token", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("up.txt", "up\n", "upstream")
		before := takeSnapshot(t, f.work, "README.md")
		_, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: git.Credentials{Username: "x", Password: "wrong"}})
		wantErr(t, "Pull with a wrong token", err, git.ErrAuth)
		before.unchanged(t, f.work)
	})
}

// pullRebase covers Pull with Rebase on a diverged branch.
func pullRebase(t *testing.T, s *suite) {
	t.Run("rebase diverged", func(t *testing.T) {
		f := s.newFixture(t)
		base := gittest.Head(t, f.work)
		up := f.upstreamCommit("up.txt", "up\n", "upstream")
		gittest.Commit(t, f.work, "local.txt", "local\n", "local work")
		before := takeSnapshot(t, f.work, "local.txt")
		res, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth, Rebase: true})
		if !s.caps.Rebase {
			wantErr(t, "Pull with Rebase", err, git.ErrUnsupported)
			before.unchanged(t, f.work)
			return
		}
		if err != nil {
			t.Fatalf("Pull with Rebase: %v", err)
		}
		head := gittest.Head(t, f.work)
		if want := (git.PullResult{Updated: true, From: before.head, To: head}); res != want {
			t.Errorf("PullResult = %+v, want %+v", res, want)
		}
		// Linear: local work on top of upstream on top of the base.
		if got, want := gittest.Git(t, f.work, "rev-list", "--parents", "-n", "1", "HEAD"), head+" "+up; got != want {
			t.Errorf("HEAD parents = %q, want %q", got, want)
		}
		if got := gittest.Git(t, f.work, "rev-list", "--merges", "HEAD"); got != "" {
			t.Errorf("merge commits after rebase: %s", got)
		}
		if got := gittest.Git(t, f.work, "rev-list", "--count", base+"..HEAD"); got != "2" {
			t.Errorf("commits since base = %s, want 2", got)
		}
		if got := headCommit(t, f.work).Subject; got != "local work" {
			t.Errorf("HEAD subject = %q, want %q", got, "local work")
		}
		for file, content := range map[string]string{"up.txt": "up\n", "local.txt": "local\n"} {
			if got := gittest.ReadFile(t, f.work, file); got != content {
				t.Errorf("%s = %q, want %q", file, got, content)
			}
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "main", Upstream: "origin/main", Ahead: 1})
	})
}
