package conformance

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/refchange"
)

// changes proves that what a fetch or a pull moved reads the same after
// either backend ran it: the engine reports it from refchange snapshots
// taken around the backend call, so a backend that moved the wrong refs
// (or none, or did not prune, or did not follow tags) fails here.
func (s *suite) changes(t *testing.T) {
	t.Run("fetch reports commits, branches, tags and prunes", func(t *testing.T) {
		f := s.newRemote(t)
		gittest.Git(t, f.seed, "push", "-q", "origin", "HEAD:refs/heads/old")
		f.work = filepath.Join(t.TempDir(), "app")
		f.srv.Clone(t, repo, f.work)
		before := take(t, f.work)

		f.upstreamCommit("a.txt", "a\n", "first upstream")
		f.upstreamCommit("b.txt", "b\n", "second upstream")
		gittest.Git(t, f.seed, "tag", "-a", "-m", "release", "v1")
		gittest.Git(t, f.seed, "push", "-q", "origin", "v1", "HEAD:refs/heads/feature", ":refs/heads/old")
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth, Prune: true}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		got := refchange.Fetch(before, take(t, f.work))
		want := git.RefChanges{Branch: "main", Incoming: 2, NewBranches: []string{"origin/feature"},
			PrunedBranches: []string{"origin/old"}, NewTags: []string{"v1"}}
		wantChanges(t, got, want, "main ↓2, +1 branch, -1 branch, +1 tag")
	})

	t.Run("fetch with nothing new is unchanged", func(t *testing.T) {
		f := s.newFixture(t)
		before := take(t, f.work)
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth, Prune: true}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		wantChanges(t, refchange.Fetch(before, take(t, f.work)), git.RefChanges{Branch: "main"}, "unchanged")
	})

	t.Run("fetch of a rewritten upstream says forced", func(t *testing.T) {
		f := s.newFixture(t)
		f.upstreamCommit("a.txt", "a\n", "to be rewritten")
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		before := take(t, f.work)
		gittest.Git(t, f.seed, "commit", "-q", "--amend", "-m", "rewritten")
		gittest.Git(t, f.seed, "push", "-q", "-f", "origin", "HEAD")
		if err := f.b.Fetch(ctx(t), f.work, git.FetchOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		wantChanges(t, refchange.Fetch(before, take(t, f.work)),
			git.RefChanges{Branch: "main", Incoming: 1, Forced: true}, "main ↓1 (forced)")
	})

	t.Run("pull reports the commits the branch moved by", func(t *testing.T) {
		f := s.newFixture(t)
		before := take(t, f.work)
		for _, n := range []string{"a", "b", "c"} {
			f.upstreamCommit(n+".txt", n+"\n", "upstream "+n)
		}
		if _, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Pull: %v", err)
		}
		wantChanges(t, refchange.Pull(before, take(t, f.work)), git.RefChanges{Branch: "main", Incoming: 3}, "main ↓3")
	})

	t.Run("pull with nothing new is unchanged", func(t *testing.T) {
		f := s.newFixture(t)
		before := take(t, f.work)
		if _, err := f.b.Pull(ctx(t), f.work, git.PullOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Pull: %v", err)
		}
		wantChanges(t, refchange.Pull(before, take(t, f.work)), git.RefChanges{Branch: "main"}, "unchanged")
	})
}

func take(t *testing.T, dir string) *refchange.Snapshot {
	t.Helper()
	s, err := refchange.Take(dir, nil)
	if err != nil {
		t.Fatalf("refchange.Take(%s): %v", dir, err)
	}
	return s
}

func wantChanges(t *testing.T, got, want git.RefChanges, text string) {
	t.Helper()
	same := got.Branch == want.Branch && got.Incoming == want.Incoming && got.Forced == want.Forced &&
		got.Uncounted == want.Uncounted && slices.Equal(got.NewBranches, want.NewBranches) &&
		slices.Equal(got.UpdatedBranches, want.UpdatedBranches) && slices.Equal(got.PrunedBranches, want.PrunedBranches) &&
		slices.Equal(got.NewTags, want.NewTags) && slices.Equal(got.UpdatedTags, want.UpdatedTags)
	if !same {
		t.Errorf("changes:\n got %+v\nwant %+v", got, want)
	}
	if got.String() != text {
		t.Errorf("changes read %q, want %q", got.String(), text)
	}
}
