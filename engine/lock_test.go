//go:build unix

package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// holdLock takes the repository lock of repo as another mgit would.
func holdLock(t *testing.T, dir string, repo Repo) (release func()) {
	t.Helper()
	path := lockPath(dir, repo)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteAt([]byte("pid 4242\n"), 0)
	return func() { f.Close() }
}

// TestPullWaitsForAnotherMgit: while another process holds a repository's
// lock, a pull waits (and says so) instead of failing on git's locks; once
// the lock is released it runs and succeeds.
func TestPullWaitsForAnotherMgit(t *testing.T) {
	lockDir := t.TempDir()
	repo := Repo{ID: "r", Path: filepath.Join(t.TempDir(), "r")}
	release := holdLock(t, lockDir, repo)
	var pulls counter
	fb := &fakeBackend{pull: func(context.Context, string, git.PullOptions) (git.PullResult, error) {
		pulls.add()
		return git.PullResult{}, nil
	}}
	e := New(Config{Backend: fb, LockDir: lockDir})
	id := e.Submit(context.Background(), Plan{Jobs: []Job{{Op: OpPull, Repo: repo}}})
	// The pull reports that it waits, and has not pulled.
	for ev := range e.Events() {
		if p, ok := ev.(OpProgress); ok && p.Progress.Phase == "Waiting for another mgit (pid 4242)" {
			break
		}
		if _, ok := ev.(OpFinished); ok {
			t.Fatalf("finished while the lock was held: %+v", ev)
		}
	}
	if n := pulls.n.Load(); n != 0 {
		t.Fatalf("pulled %d times while another mgit held the lock", n)
	}
	release()
	var fin OpFinished
	for ev := range e.Events() {
		if f, ok := ev.(OpFinished); ok {
			fin = f
		}
		if _, ok := ev.(RunFinished); ok {
			break
		}
	}
	e.Close()
	if fin.Result.Outcome != OutcomeOK || pulls.n.Load() != 1 {
		t.Fatalf("run %s: outcome %s err %v, %d pulls", id, fin.Result.Outcome, fin.Err, pulls.n.Load())
	}
}

// TestLockWaitIsBounded: a lock never released fails the operation after
// LockWait with the class ErrLocked and a hint.
func TestLockWaitIsBounded(t *testing.T) {
	lockDir := t.TempDir()
	repo := Repo{ID: "r", Path: filepath.Join(t.TempDir(), "r")}
	defer holdLock(t, lockDir, repo)()
	res := submit(t, Config{Backend: &fakeBackend{}, LockDir: lockDir, LockWait: 50 * time.Millisecond},
		context.Background(), Plan{Jobs: []Job{{Op: OpFetch, Repo: repo}}})
	fin := res.finished["r"][0]
	if fin.Result.Outcome != OutcomeFailed || !errors.Is(fin.Err, git.ErrLocked) || git.Hint(fin.Err) == "" {
		t.Fatalf("outcome %s err %v", fin.Result.Outcome, fin.Err)
	}
}

// TestTwoRunsPullOneWorkspace runs two engines (two mgit processes' worth
// of state: separate pools, separate file descriptors) pulling the same
// repositories at once, with real git. Both must end with 0 failures.
func TestTwoRunsPullOneWorkspace(t *testing.T) {
	t.Parallel() // real git, mostly waiting on it; TestMain isolated its configuration
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	ws, lockDir := t.TempDir(), t.TempDir()
	var jobs []Job
	// Three repositories, each pulled and fetched by both runs at once;
	// the full tier pulls 6.
	for i := range gittest.Sample(6, 3, 3) {
		name := "p" + strconv.Itoa(i)
		dest := filepath.Join(ws, name)
		// Each repository is a copy of one git-built pair: a clone three
		// commits behind its server.
		gittest.ServedClone(t, srv, "two-runs", name, dest, behindBy3)
		jobs = append(jobs, Job{Op: OpPull, Repo: Repo{ID: name, Path: dest}}, Job{Op: OpFetch, Repo: Repo{ID: name, Path: dest}})
	}
	var wg sync.WaitGroup
	sums := make([]Summary, 2)
	for i := range sums {
		wg.Go(func() {
			e := New(Config{Backend: cli.New(), LockDir: lockDir, NoProgress: true})
			e.Submit(context.Background(), Plan{Jobs: jobs})
			for ev := range e.Events() {
				if f, ok := ev.(OpFinished); ok && f.Err != nil {
					t.Errorf("run %d: %s %s: %v", i, f.Op, f.RepoID, f.Err)
				}
				if rf, ok := ev.(RunFinished); ok {
					sums[i] = rf.Summary
					go e.Close()
				}
			}
		})
	}
	wg.Wait()
	for i, s := range sums {
		if s.Failed != 0 || s.OK != len(jobs) {
			t.Errorf("run %d: %+v", i, s)
		}
	}
}

// behindBy3 builds, for gittest.ServedClone, a clone three commits behind
// its origin: the commits are pushed, then the clone and its origin/main are
// put back on the first one.
func behindBy3(t testing.TB, _, work string) {
	gittest.Commit(t, work, "f.txt", "initial", "initial commit")
	gittest.Git(t, work, "push", "-q", "-u", "origin", "main")
	for j := range 3 {
		gittest.Commit(t, work, "f.txt", strconv.Itoa(j), "upstream "+strconv.Itoa(j))
	}
	gittest.Git(t, work, "push", "-q", "origin", "main")
	gittest.Git(t, work, "reset", "-q", "--hard", "HEAD~3")
	gittest.Git(t, work, "update-ref", "refs/remotes/origin/main", "HEAD")
}

// TestUnusableLockDirDoesNotStopWork: where no lock file can be made (a
// read-only file system), operations run unlocked rather than fail.
func TestUnusableLockDirDoesNotStopWork(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	repo := Repo{ID: "r", Path: filepath.Join(t.TempDir(), "r")}
	res := submit(t, Config{Backend: &fakeBackend{}, LockDir: filepath.Join(file, "locks")},
		context.Background(), Plan{Jobs: []Job{{Op: OpFetch, Repo: repo}}})
	if fin := res.finished["r"][0]; fin.Result.Outcome != OutcomeOK {
		t.Fatalf("outcome %s err %v", fin.Result.Outcome, fin.Err)
	}
}
