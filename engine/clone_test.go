package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/workspace"
)

// leftovers lists temporary or set-aside clones anywhere under root.
func leftovers(t *testing.T, root string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), workspace.TempCloneMarker) || strings.Contains(d.Name(), workspace.OldCloneMarker)) {
			found = append(found, p)
		}
		return nil
	})
	return found
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }

// writeClone is a fake clone: it fills dest like a partial or complete clone.
func writeClone(dest string) error {
	if err := os.MkdirAll(filepath.Join(dest, ".git"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dest, "README.md"), []byte("cloned"), 0o644)
}

func cloneJob(root string) Job {
	dest := filepath.Join(root, "example.com", "org", "repo")
	return Job{Op: OpClone, Repo: Repo{ID: "example.com/org/repo", Path: dest, URL: "https://example.com/org/repo.git", Host: "example.com"}}
}

func TestCloneLandsAtomically(t *testing.T) {
	root := t.TempDir()
	var sawTemp string
	fb := &fakeBackend{clone: func(ctx context.Context, url, dest string, _ git.CloneOptions) error {
		sawTemp = dest
		return writeClone(dest)
	}}
	job := cloneJob(root)
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: []Job{job}})
	fin := res.finished[job.Repo.ID][0]
	if fin.Result.Outcome != OutcomeOK || fin.Result.Detail != "cloned" || fin.Result.Status == nil {
		t.Fatalf("result %+v err %v", fin.Result, fin.Err)
	}
	if filepath.Dir(sawTemp) != filepath.Dir(job.Repo.Path) || !strings.HasPrefix(filepath.Base(sawTemp), ".repo.mgit-clone-") {
		t.Fatalf("cloned into %s, want a hidden sibling of the destination", sawTemp)
	}
	if !exists(filepath.Join(job.Repo.Path, "README.md")) {
		t.Fatal("clone not in place")
	}
	if l := leftovers(t, root); len(l) > 0 {
		t.Fatalf("left behind: %v", l)
	}
}

func TestFailedCloneLeavesNothing(t *testing.T) {
	root := t.TempDir()
	fb := &fakeBackend{clone: func(ctx context.Context, url, dest string, _ git.CloneOptions) error {
		if err := writeClone(dest); err != nil {
			return err
		}
		return &git.Error{Op: "clone", Kind: git.ErrRepoNotFound}
	}}
	job := cloneJob(root)
	res := submit(t, Config{Backend: fb, Retry: fastRetry}, context.Background(), Plan{Jobs: []Job{job}})
	fin := res.finished[job.Repo.ID][0]
	if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrRepoNotFound) || fin.Result.Attempts != 1 {
		t.Fatalf("result %+v err %v", fin.Result, fin.Err)
	}
	// Not even the <host>/<org> directories made for the clone remain.
	entries, _ := os.ReadDir(root)
	if len(entries) != 0 {
		t.Fatalf("root not empty after a failed clone: %v", entries)
	}
}

func TestCloneRetryStartsClean(t *testing.T) {
	root := t.TempDir()
	var tries counter
	fb := &fakeBackend{clone: func(ctx context.Context, url, dest string, _ git.CloneOptions) error {
		if exists(dest) {
			return errors.New("partial clone from the last attempt still there")
		}
		if err := writeClone(dest); err != nil {
			return err
		}
		if tries.add() == 1 {
			return &git.Error{Op: "clone", Kind: git.ErrNetwork, Detail: "connection reset"}
		}
		return nil
	}}
	job := cloneJob(root)
	res := submit(t, Config{Backend: fb, Retry: fastRetry}, context.Background(), Plan{Jobs: []Job{job}})
	fin := res.finished[job.Repo.ID][0]
	if fin.Result.Outcome != OutcomeOK || fin.Result.Attempts != 2 {
		t.Fatalf("result %+v err %v", fin.Result, fin.Err)
	}
	if l := leftovers(t, root); len(l) > 0 {
		t.Fatalf("left behind: %v", l)
	}
}

func TestCancelledCloneLeavesNothing(t *testing.T) {
	root := t.TempDir()
	entered := make(chan struct{})
	fb := &fakeBackend{clone: func(ctx context.Context, url, dest string, _ git.CloneOptions) error {
		if err := writeClone(dest); err != nil {
			return err
		}
		close(entered)
		<-ctx.Done()
		return &git.Error{Op: "clone", Err: ctx.Err()}
	}}
	job := cloneJob(root)
	ctx, cancel := context.WithCancel(context.Background())
	e := New(Config{Backend: fb})
	id := e.Submit(ctx, Plan{Jobs: []Job{job}})
	done := make(chan runResult)
	go func() { done <- collect(t, e, id) }()
	<-entered
	cancel()
	res := <-done
	e.Close()
	if !res.summary.Interrupted || res.summary.Stopped != 1 || res.summary.Failed != 0 {
		t.Fatalf("summary %+v", res.summary)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Fatalf("root not empty after a cancelled clone: %v", entries)
	}
}

func TestCloneRemovesStaleTemps(t *testing.T) {
	root := t.TempDir()
	job := cloneJob(root)
	parent := filepath.Dir(job.Repo.Path)
	// pid 999999999 exceeds pid_max: no such process can be running.
	stale := filepath.Join(parent, ".repo"+workspace.TempCloneMarker+"999999999-abc")
	live := filepath.Join(parent, ".repo"+workspace.TempCloneMarker+strconv.Itoa(os.Getpid())+"-def")
	// The sweep covers the whole directory, not only the destination's name.
	other := filepath.Join(parent, ".other"+workspace.TempCloneMarker+"999999999-abc")
	// This process's pid, but older than the process: an earlier process
	// with the same pid (mgit is pid 1 in every container run).
	reused := filepath.Join(parent, ".repo"+workspace.TempCloneMarker+strconv.Itoa(os.Getpid())+"-old")
	// A clone an older mgit set aside while replacing, then was killed:
	// the only copy of someone's work. It goes to the trash.
	setAside := filepath.Join(parent, ".kept"+workspace.OldCloneMarker+"123abc")
	// Not a temporary clone: no leading dot, or no pid.
	notTemp := []string{
		filepath.Join(parent, "repo"+workspace.TempCloneMarker+"999999999-abc"),
		filepath.Join(parent, ".repo"+workspace.TempCloneMarker+"x-abc"),
		filepath.Join(parent, "sibling"),
	}
	for _, d := range append([]string{stale, live, other, reused, setAside}, notTemp...) {
		if err := writeClone(d); err != nil {
			t.Fatal(err)
		}
	}
	long := processStart.Add(-time.Hour)
	if err := os.Chtimes(reused, long, long); err != nil {
		t.Fatal(err)
	}
	// A second clone into the same directory in the same run does not sweep
	// it again: a stale-looking entry made after the first sweep survives.
	second := job
	second.Repo.ID, second.Repo.Path, second.Repo.URL = "example.com/org/repo2", filepath.Join(parent, "repo2"), "https://example.com/org/repo2.git"
	late := filepath.Join(parent, ".repo2"+workspace.TempCloneMarker+"999999999-ghi")
	var clones counter
	fb := &fakeBackend{clone: func(ctx context.Context, url, dest string, _ git.CloneOptions) error {
		if clones.add() == 1 {
			if err := writeClone(late); err != nil {
				return err
			}
		}
		return writeClone(dest)
	}}
	// One network slot: the second clone starts after the first has ended.
	res := submit(t, Config{Backend: fb, NetworkConcurrency: 1}, context.Background(), Plan{Jobs: []Job{job, second}})
	for _, id := range []string{job.Repo.ID, second.Repo.ID} {
		if fin := res.finished[id][0]; fin.Result.Outcome != OutcomeOK {
			t.Fatalf("%s: %+v %v", id, fin.Result, fin.Err)
		}
	}
	if exists(stale) || exists(other) || exists(reused) {
		t.Error("stale temporary clone of a dead process not removed")
	}
	if trashed, _ := filepath.Glob(filepath.Join(root, ".mgit", "trash", "*-example.com_org_kept", "README.md")); exists(setAside) || len(trashed) != 1 {
		t.Errorf("set-aside clone not moved to the workspace trash (%v)", trashed)
	}
	if !exists(live) {
		t.Error("removed a temporary clone of a live process")
	}
	for _, d := range notTemp {
		if !exists(d) {
			t.Errorf("removed %s, which is not a temporary clone", d)
		}
	}
	if !exists(late) {
		t.Error("the directory was swept twice in one run")
	}
}

func TestForceRechecksLocalWorkAfterClone(t *testing.T) {
	src, dest := existingClone(t)
	gittest.WriteFile(t, dest, "local-marker", "mine")
	// Committed, so the check before cloning finds nothing (refs are only
	// compared with the fresh clone).
	gittest.Git(t, dest, "add", "local-marker")
	gittest.Git(t, dest, "commit", "-q", "-m", "marker")
	var clones counter
	fb := &fakeBackend{clone: func(ctx context.Context, url, tmp string, opt git.CloneOptions) error {
		clones.add()
		// Work done in the old clone while the new one downloads: a branch
		// with a commit that exists nowhere else.
		for _, args := range [][]string{
			{"checkout", "-q", "-b", "meanwhile"},
			{"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "work"},
			{"checkout", "-q", "main"},
		} {
			if _, err := gittest.TryGit(dest, args...); err != nil {
				return err
			}
		}
		return realClone(ctx, url, tmp, opt)
	}}
	job := Job{Op: OpClone, Repo: Repo{ID: "repo", Path: dest, URL: src}}
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: []Job{job}, Options: Options{UpdateMode: UpdateForce}})
	fin := res.finished["repo"][0]
	if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrLocalChanges) || !strings.Contains(fin.Err.Error(), "meanwhile") {
		t.Fatalf("outcome %s (detail %q), err %v; want a refusal naming the new branch", fin.Result.Outcome, fin.Result.Detail, fin.Err)
	}
	if n := clones.n.Load(); n != 1 {
		t.Fatalf("cloned %d times, want 1 (the early check passed)", n)
	}
	if !exists(filepath.Join(dest, "local-marker")) {
		t.Error("the old clone was replaced")
	}
	if got := gittest.Git(t, dest, "branch", "--list", "meanwhile"); !strings.Contains(got, "meanwhile") {
		t.Error("the commit made during the clone is gone")
	}
	if l := leftovers(t, filepath.Dir(dest)); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestCloneDryRunTouchesNothing(t *testing.T) {
	root := t.TempDir()
	fb := &fakeBackend{}
	job := cloneJob(root)
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: []Job{job}, Options: Options{DryRun: true}})
	fin := res.finished[job.Repo.ID][0]
	if fin.Result.Outcome != OutcomeSkipped || !strings.Contains(fin.Result.Detail, "would clone") {
		t.Fatalf("result %+v", fin.Result)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 || fb.count("clone", "") != 0 {
		t.Fatalf("dry run touched the disk: %v", entries)
	}
}

// existingClone sets up a source repository and a clone of it at dest.
func existingClone(t *testing.T) (src, dest string) {
	t.Helper()
	gittest.Isolate(t)
	// Built by git once per test binary, copied for every later caller
	// (CachedTree points the clone's origin at the copied source).
	dir := gittest.CachedTree(t, "existing-clone", func(t testing.TB, dir string) {
		src := filepath.Join(dir, "src")
		gittest.InitRepo(t, src)
		gittest.Commit(t, src, "a.txt", "a", "first")
		gittest.Clone(t, src, filepath.Join(dir, "ws", "repo"))
	})
	return filepath.Join(dir, "src"), filepath.Join(dir, "ws", "repo")
}

// realClone is a fake backend clone that runs git clone from a local path.
func realClone(ctx context.Context, url, dest string, _ git.CloneOptions) error {
	_, err := gittest.TryGit("", "clone", "-q", url, dest)
	return err
}

func TestCloneUpdateModes(t *testing.T) {
	clean := func(context.Context, string) (git.Status, error) {
		return git.Status{Branch: "main", Upstream: "origin/main"}, nil
	}
	dirty := func(context.Context, string) (git.Status, error) {
		return git.Status{Branch: "main", Upstream: "origin/main", Unstaged: 2, Stash: 1, Ahead: 3}, nil
	}
	failClone := func(context.Context, string, string, git.CloneOptions) error {
		return &git.Error{Op: "clone", Kind: git.ErrAuth}
	}
	tests := []struct {
		name     string
		opts     Options
		url      string // "" = the source path
		status   func(context.Context, string) (git.Status, error)
		clone    func(context.Context, string, string, git.CloneOptions) error
		lw       func(context.Context, string, string) (git.LocalWork, error)
		setup    func(t *testing.T, dest string)
		outcome  Outcome
		errIs    error
		errHas   string
		detail   string
		replaced bool // the marker file in the old clone is gone
	}{
		{name: "skip", opts: Options{UpdateMode: UpdateSkip}, outcome: OutcomeSkipped, detail: "exists"},
		{name: "default is skip", outcome: OutcomeSkipped, detail: "exists"},
		{name: "pull", opts: Options{UpdateMode: UpdatePull}, outcome: OutcomeOK, detail: "exists; unchanged"},
		{name: "pull other remote", opts: Options{UpdateMode: UpdatePull}, url: "https://example.com/other.git",
			outcome: OutcomeFailed, errIs: git.ErrDestExists, errHas: "is a clone of"},
		{name: "force clean", opts: Options{UpdateMode: UpdateForce}, status: clean, lw: nothingLocal, outcome: OutcomeOK, replaced: true,
			detail: "replaced with a fresh clone"},
		{name: "force dirty", opts: Options{UpdateMode: UpdateForce}, status: dirty, outcome: OutcomeFailed,
			errIs: git.ErrLocalChanges, errHas: "--discard-local-changes"},
		{name: "force dirty dry run", opts: Options{UpdateMode: UpdateForce, DryRun: true}, status: dirty,
			outcome: OutcomeSkipped, detail: "dry run: would refuse"},
		{name: "force dirty discard", opts: Options{UpdateMode: UpdateForce, DiscardLocalChanges: true}, status: dirty,
			outcome: OutcomeOK, replaced: true},
		{name: "force unpushed branch", opts: Options{UpdateMode: UpdateForce}, status: clean,
			setup: func(t *testing.T, dest string) {
				// The marker committed: only refs are local work here.
				gittest.Git(t, dest, "add", "local-marker")
				gittest.Git(t, dest, "commit", "-q", "-m", "marker")
				gittest.Git(t, dest, "checkout", "-q", "-b", "feature")
				gittest.Commit(t, dest, "b.txt", "b", "local only")
				gittest.Git(t, dest, "checkout", "-q", "main")
			},
			outcome: OutcomeFailed, errIs: git.ErrLocalChanges, errHas: "feature"},
		{name: "force clone fails", opts: Options{UpdateMode: UpdateForce}, status: clean, lw: nothingLocal, clone: failClone,
			outcome: OutcomeFailed, errIs: git.ErrAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, dest := existingClone(t)
			marker := filepath.Join(dest, "local-marker")
			gittest.WriteFile(t, dest, "local-marker", "mine")
			if tc.setup != nil {
				tc.setup(t, dest)
			}
			fb := &fakeBackend{status: tc.status, clone: realClone, localWork: tc.lw}
			if tc.clone != nil {
				fb.clone = tc.clone
			}
			url := tc.url
			if url == "" {
				url = src
			}
			job := Job{Op: OpClone, Repo: Repo{ID: "repo", Path: dest, URL: url}}
			res := submit(t, Config{Backend: fb, Retry: fastRetry}, context.Background(), Plan{Jobs: []Job{job}, Options: tc.opts})
			fin := res.finished["repo"][0]
			if fin.Result.Outcome != tc.outcome {
				t.Fatalf("outcome %s (detail %q, err %v), want %s", fin.Result.Outcome, fin.Result.Detail, fin.Err, tc.outcome)
			}
			if tc.errIs != nil && !errors.Is(fin.Err, tc.errIs) {
				t.Errorf("err %v, want %v", fin.Err, tc.errIs)
			}
			if tc.errHas != "" && (fin.Err == nil || !strings.Contains(fin.Err.Error(), tc.errHas)) {
				t.Errorf("err %v does not mention %q", fin.Err, tc.errHas)
			}
			if tc.detail != "" && !strings.HasPrefix(fin.Result.Detail, tc.detail) {
				t.Errorf("detail %q, want %q", fin.Result.Detail, tc.detail)
			}
			if got := !exists(marker); got != tc.replaced {
				t.Errorf("replaced = %v, want %v", got, tc.replaced)
			}
			if tc.replaced {
				// Never deleted: the old clone, marker and all, is in the trash.
				trashed, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".mgit", "trash", "*-repo", "local-marker"))
				if len(trashed) != 1 || !strings.Contains(fin.Result.Detail, "old clone kept at") {
					t.Errorf("old clone not found in the trash (%v), detail %q", trashed, fin.Result.Detail)
				}
			}
			if !exists(filepath.Join(dest, ".git")) {
				t.Error("destination is not a clone any more")
			}
			if l := leftovers(t, filepath.Dir(dest)); len(l) > 0 {
				t.Errorf("left behind: %v", l)
			}
		})
	}
}

func TestCloneIntoForeignOrEmptyDir(t *testing.T) {
	root := t.TempDir()
	fb := &fakeBackend{clone: func(ctx context.Context, url, dest string, _ git.CloneOptions) error { return writeClone(dest) }}
	foreign := filepath.Join(root, "foreign")
	gittest.WriteFile(t, foreign, "notes.txt", "precious")
	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	jobs := []Job{
		{Op: OpClone, Repo: Repo{ID: "foreign", Path: foreign, URL: "https://h/foreign"}},
		{Op: OpClone, Repo: Repo{ID: "empty", Path: empty, URL: "https://h/empty"}},
	}
	res := submit(t, Config{Backend: fb}, context.Background(), Plan{Jobs: jobs, Options: Options{UpdateMode: UpdateForce}})
	f := res.finished["foreign"][0]
	if f.Result.Outcome != OutcomeFailed || !errors.Is(f.Err, git.ErrDestExists) {
		t.Fatalf("foreign: %+v %v", f.Result, f.Err)
	}
	if gittest.ReadFile(t, foreign, "notes.txt") != "precious" {
		t.Fatal("foreign directory changed")
	}
	if e := res.finished["empty"][0]; e.Result.Outcome != OutcomeOK || !exists(filepath.Join(empty, "README.md")) {
		t.Fatalf("empty: %+v %v", e.Result, e.Err)
	}
}

// TestSkipRerunSweepsLeftovers: a rerun that only skips an existing clone
// (the default update mode) still clears what a killed force run left
// beside it: the partial download goes, the set-aside clone goes to the
// trash.
func TestSkipRerunSweepsLeftovers(t *testing.T) {
	root := t.TempDir()
	job := cloneJob(root)
	if err := writeClone(job.Repo.Path); err != nil {
		t.Fatal(err)
	}
	parent := filepath.Dir(job.Repo.Path)
	temp := filepath.Join(parent, ".repo"+workspace.TempCloneMarker+"999999999-abc")
	old := filepath.Join(parent, ".repo"+workspace.OldCloneMarker+"def")
	for _, d := range []string{temp, old} {
		if err := writeClone(d); err != nil {
			t.Fatal(err)
		}
	}
	res := submit(t, Config{Backend: &fakeBackend{}}, context.Background(), Plan{Jobs: []Job{job}})
	if fin := res.finished[job.Repo.ID][0]; fin.Result.Outcome != OutcomeSkipped {
		t.Fatalf("%+v %v", fin.Result, fin.Err)
	}
	if l := leftovers(t, parent); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	if trash, _ := ListTrash(root); len(trash) != 1 {
		t.Errorf("trash %v, want the set-aside clone", trash)
	}
}
