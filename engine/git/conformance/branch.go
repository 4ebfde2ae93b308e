package conformance

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// branch covers Checkout and Branches.
func (s *suite) branch(t *testing.T) {
	branchSwitch(t, s)
	branchRefused(t, s)
}

// branchSwitch covers checkouts that succeed, and Branches.
func branchSwitch(t *testing.T, s *suite) {
	t.Run("checkout existing branch", func(t *testing.T) {
		f, topic := s.topicFixture(t)
		if err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: "topic"}); err != nil {
			t.Fatalf("Checkout: %v", err)
		}
		wantOn(t, f.work, "topic", topic)
		if got := gittest.ReadFile(t, f.work, "shared.txt"); got != "topic\n" {
			t.Errorf("shared.txt = %q after checkout, want the topic version", got)
		}
		if _, err := gittest.TryGit(f.work, "cat-file", "-e", "HEAD:only-main.txt"); err == nil {
			t.Fatal("only-main.txt in topic's tree: fixture broken")
		}
		if p := gittest.Git(t, f.work, "status", "--porcelain"); p != "" {
			t.Errorf("work tree not clean after checkout:\n%s", p)
		}
	})

	t.Run("create branch from HEAD", func(t *testing.T) {
		f := s.newFixture(t)
		head := gittest.Head(t, f.work)
		if err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: "fresh", Create: true}); err != nil {
			t.Fatalf("Checkout create: %v", err)
		}
		wantOn(t, f.work, "fresh", head)
		if up, err := gittest.TryGit(f.work, "config", "branch.fresh.remote"); err == nil {
			t.Errorf("fresh tracks %q, want nothing", up)
		}
		br, err := f.b.Branches(ctx(t), f.work)
		if err != nil {
			t.Fatalf("Branches: %v", err)
		}
		if !br.HasLocal("fresh") || !br.HasLocal("main") || len(br.Local) != 2 {
			t.Errorf("Branches.Local = %v, want [fresh main]", br.Local)
		}
		if strings.Join(br.Remote, ",") != "origin/main" {
			t.Errorf("Branches.Remote = %v, want [origin/main]", br.Remote)
		}
	})

	t.Run("create from remote-only branch tracks it", func(t *testing.T) {
		f := s.newFixture(t)
		gittest.Git(t, f.seed, "checkout", "-q", "-b", "feature")
		want := gittest.Commit(t, f.seed, "feature.txt", "feature\n", "feature work")
		gittest.Git(t, f.seed, "push", "-q", "origin", "feature")
		f.git("fetch", "-q", "origin")
		br, err := f.b.Branches(ctx(t), f.work)
		if err != nil {
			t.Fatalf("Branches: %v", err)
		}
		if br.HasLocal("feature") || br.Tracking("feature") != "origin/feature" {
			t.Fatalf("Branches = %+v, want feature on origin only", br)
		}
		if err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: "feature", Create: true}); err != nil {
			t.Fatalf("Checkout create: %v", err)
		}
		wantOn(t, f.work, "feature", want)
		if up := gittest.Git(t, f.work, "rev-parse", "--abbrev-ref", "feature@{upstream}"); up != "origin/feature" {
			t.Errorf("upstream %q, want origin/feature", up)
		}
		wantStatus(t, f.work, status(t, f.b, f.work), git.Status{Branch: "feature", Upstream: "origin/feature"})
	})
}

// branchRefused covers checkouts that must change nothing or carry local work over.
func branchRefused(t *testing.T, s *suite) {
	t.Run("local changes in the way change nothing", func(t *testing.T) {
		f, _ := s.topicFixture(t)
		gittest.WriteFile(t, f.work, "shared.txt", "my unsaved work\n")
		snap := takeSnapshot(t, f.work, "shared.txt")
		err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: "topic"})
		wantErr(t, "Checkout over local changes", err, git.ErrLocalChanges)
		snap.unchanged(t, f.work)
		if ref := gittest.Git(t, f.work, "symbolic-ref", "HEAD"); ref != "refs/heads/main" {
			t.Errorf("HEAD -> %s, want refs/heads/main", ref)
		}
	})

	t.Run("local changes elsewhere are carried over", func(t *testing.T) {
		f, topic := s.topicFixture(t)
		gittest.WriteFile(t, f.work, "README.md", "edited\n")
		if err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: "topic"}); err != nil {
			t.Fatalf("Checkout: %v", err)
		}
		wantOn(t, f.work, "topic", topic)
		if got := gittest.ReadFile(t, f.work, "README.md"); got != "edited\n" {
			t.Errorf("README.md = %q, the local change was lost", got)
		}
	})

	t.Run("create existing branch fails", func(t *testing.T) {
		f, _ := s.topicFixture(t)
		snap := takeSnapshot(t, f.work)
		if err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: "topic", Create: true}); err == nil {
			t.Fatal("Checkout create of an existing branch: no error")
		}
		snap.unchanged(t, f.work)
	})

	t.Run("invalid branch name", func(t *testing.T) {
		f := s.newFixture(t)
		for _, name := range []string{"--orphan", "a..b", "has space", ""} {
			if err := f.b.Checkout(ctx(t), f.work, git.CheckoutOptions{Branch: name, Create: true}); err == nil {
				t.Errorf("Checkout(%q): no error", name)
			}
		}
		if ref := gittest.Git(t, f.work, "symbolic-ref", "HEAD"); ref != "refs/heads/main" {
			t.Errorf("HEAD -> %s, want refs/heads/main", ref)
		}
	})
}

// topicFixture is newFixture with topicBranch made in the clone; it
// returns topic's commit.
func (s *suite) topicFixture(t *testing.T) (*fixture, string) {
	t.Helper()
	f := s.newPrepared(t, "topic branch", func(t testing.TB, dir string) { topicBranch(t, dir) })
	return f, gittest.Git(t, f.work, "rev-parse", "topic")
}

// topicBranch makes, in dir on main, a branch topic that changes
// shared.txt, while main gains only-main.txt; it returns topic's commit and
// leaves main checked out and clean.
func topicBranch(t testing.TB, dir string) string {
	t.Helper()
	gittest.Commit(t, dir, "shared.txt", "main\n", "shared file")
	gittest.Git(t, dir, "checkout", "-q", "-b", "topic")
	topic := gittest.Commit(t, dir, "shared.txt", "topic\n", "topic change")
	gittest.Git(t, dir, "checkout", "-q", "main")
	gittest.Commit(t, dir, "only-main.txt", "main\n", "main only")
	return topic
}

// wantOn fails unless HEAD is the branch name at commit sha.
func wantOn(t *testing.T, dir, name, sha string) {
	t.Helper()
	if ref := gittest.Git(t, dir, "symbolic-ref", "HEAD"); ref != "refs/heads/"+name {
		t.Errorf("HEAD -> %s, want refs/heads/%s", ref, name)
	}
	if got := gittest.Head(t, dir); got != sha {
		t.Errorf("HEAD at %s, want %s", got, sha)
	}
}

// inspect covers Log and Changes.
func (s *suite) inspect(t *testing.T) {
	inspectLog(t, s)
	inspectChanges(t, s)
}

// inspectLog covers Log on a history and on an empty repository.
func inspectLog(t *testing.T, s *suite) {
	t.Run("log newest first", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "r")
		gittest.InitRepo(t, dir)
		for i := range 5 {
			gittest.Commit(t, dir, "f.txt", strconv.Itoa(i)+"\n", "commit "+strconv.Itoa(i))
		}
		for _, n := range []int{3, 10} {
			got, err := b.Log(ctx(t), dir, n)
			if err != nil {
				t.Fatalf("Log(%d): %v", n, err)
			}
			want := gitLog(t, dir, n)
			if len(got) != len(want) {
				t.Fatalf("Log(%d): %d commits, want %d", n, len(got), len(want))
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.SHA != w.SHA || g.Subject != w.Subject || g.Author != w.Author || !g.Time.Equal(w.Time) {
					t.Errorf("Log(%d)[%d] = %+v, want %+v", n, i, g, w)
				}
			}
		}
	})

	t.Run("log without commits", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "r")
		gittest.InitRepo(t, dir)
		got, err := b.Log(ctx(t), dir, 5)
		if err != nil || len(got) != 0 {
			t.Fatalf("Log on an empty repository = %v, %v; want none", got, err)
		}
	})
}

// inspectChanges covers Changes against git status, conflicts included.
func inspectChanges(t *testing.T, s *suite) {
	t.Run("changes match git status", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "r")
		gittest.InitRepo(t, dir)
		gittest.Commit(t, dir, "a.txt", "a\n", "a")
		gittest.Commit(t, dir, "b.txt", "b\n", "b")
		gittest.Commit(t, dir, "c.txt", "c\n", "c")
		gittest.Commit(t, dir, "sub/d.txt", "d\n", "d")
		gittest.WriteFile(t, dir, "a.txt", "staged\n")
		gittest.Git(t, dir, "add", "a.txt")
		gittest.WriteFile(t, dir, "b.txt", "unstaged\n")
		gittest.WriteFile(t, dir, "c.txt", "staged\n")
		gittest.Git(t, dir, "add", "c.txt")
		gittest.WriteFile(t, dir, "c.txt", "and unstaged\n")
		gittest.WriteFile(t, dir, "new.txt", "new\n")
		gittest.WriteFile(t, dir, "newdir/x.txt", "x\n")
		gittest.WriteFile(t, dir, "newdir/y/z.txt", "z\n")
		gittest.WriteFile(t, dir, "sub/e.txt", "e\n")
		gittest.Git(t, dir, "rm", "-q", "sub/d.txt")
		got, err := b.Changes(ctx(t), dir)
		if err != nil {
			t.Fatalf("Changes: %v", err)
		}
		want := gitChanges(t, dir)
		// sub/ lost its only tracked file, so git lists it as untracked.
		if len(want) != 7 {
			t.Fatalf("git status lists %d paths, fixture expects 7: %+v", len(want), want)
		}
		if !equalChanges(got, want) {
			t.Errorf("Changes:\n got %+v\nwant %+v", got, want)
		}
	})

	t.Run("changes list a conflict", func(t *testing.T) {
		b := s.backendOnly(t)
		dir := filepath.Join(t.TempDir(), "r")
		gittest.InitRepo(t, dir)
		gittest.Commit(t, dir, "a.txt", "base\n", "base")
		gittest.Git(t, dir, "checkout", "-q", "-b", "other")
		gittest.Commit(t, dir, "a.txt", "other\n", "other")
		gittest.Git(t, dir, "checkout", "-q", "main")
		gittest.Commit(t, dir, "a.txt", "main\n", "main")
		if _, err := gittest.TryGit(dir, "merge", "-q", "other"); err == nil {
			t.Fatal("merge succeeded: fixture broken")
		}
		got, err := b.Changes(ctx(t), dir)
		if err != nil {
			t.Fatalf("Changes: %v", err)
		}
		want := []git.FileChange{{Path: "a.txt", Conflict: true}}
		if !equalChanges(got, want) {
			t.Errorf("Changes:\n got %+v\nwant %+v", got, want)
		}
	})
}

// gitLog is `git log -n` as the git CLI reports it.
func gitLog(t *testing.T, dir string, n int) []git.Commit {
	t.Helper()
	out := gittest.Git(t, dir, "log", "-n", strconv.Itoa(n), "--format=%H%x00%s%x00%an%x00%at")
	var cs []git.Commit
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\x00")
		if len(f) != 4 {
			t.Fatalf("git log: unexpected line %q", line)
		}
		sec, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			t.Fatalf("git log: %v", err)
		}
		cs = append(cs, git.Commit{SHA: f[0], Subject: f[1], Author: f[2], Time: time.Unix(sec, 0)})
	}
	return cs
}

// gitChanges reads `git status --porcelain=v1` (default untracked mode).
func gitChanges(t *testing.T, dir string) []git.FileChange {
	t.Helper()
	out := gittest.Git(t, dir, "status", "--porcelain=v1", "-z")
	var fcs []git.FileChange
	for _, rec := range strings.Split(out, "\x00") {
		if len(rec) < 4 {
			continue
		}
		x, y, p := rec[0], rec[1], rec[3:]
		switch {
		case x == '?':
			fcs = append(fcs, git.FileChange{Path: p, Untracked: true})
		case x == 'U' || y == 'U' || (x == 'A' && y == 'A') || (x == 'D' && y == 'D'):
			fcs = append(fcs, git.FileChange{Path: p, Conflict: true})
		default:
			fcs = append(fcs, git.FileChange{Path: p, Staged: x != ' ', Unstaged: y != ' '})
		}
	}
	sort.Slice(fcs, func(i, j int) bool { return fcs[i].Path < fcs[j].Path })
	return fcs
}

// equalChanges compares two lists sorted by path.
func equalChanges(got, want []git.FileChange) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}
