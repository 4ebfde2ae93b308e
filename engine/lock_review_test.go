//go:build unix

package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// TestLockFileSymlinkIsNotFollowed: the lock directory falls back to
// /tmp/mgit-locks-<uid> when there is no cache directory (HOME unset, as in
// many containers and CI jobs), a path anyone can create first. The lock
// file's name is predictable (a hash of the repository path). Before the
// fix, a symlink planted there was followed: openLock opened the target,
// lockRepo truncated it and wrote "pid N" into it — any file the victim
// could write was clobbered. Now the lock file is opened with O_NOFOLLOW
// (and the work runs unlocked, with a warning, as for an unusable dir).
func TestLockFileSymlinkIsNotFollowed(t *testing.T) {
	lockDir := t.TempDir()
	repo := Repo{ID: "r", Path: filepath.Join(t.TempDir(), "r")}
	victim := filepath.Join(t.TempDir(), "bashrc")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, lockPath(lockDir, repo)); err != nil {
		t.Fatal(err)
	}
	fb := &fakeBackend{pull: func(context.Context, string, git.PullOptions) (git.PullResult, error) {
		return git.PullResult{}, nil
	}}
	e := New(Config{Backend: fb, LockDir: lockDir})
	e.Submit(context.Background(), Plan{Jobs: []Job{{Op: OpPull, Repo: repo}}})
	for ev := range e.Events() {
		if _, ok := ev.(RunFinished); ok {
			break
		}
	}
	e.Close()
	b, err := os.ReadFile(victim)
	if err != nil || string(b) != "precious\n" {
		t.Fatalf("the file a planted lock symlink pointed at was changed: %q, %v", b, err)
	}
}

// TestLockDirWritableByOthersIsRefused: a lock directory another user can
// write to (someone created /tmp/mgit-locks-<uid> first, mode 0777) lets
// them plant lock files or hold every lock; before the fix openLock used it.
func TestLockDirWritableByOthersIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mgit-locks-1000")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	f, err := openLock(filepath.Join(dir, "x.lock"))
	if err == nil {
		f.Close()
		t.Fatal("openLock used a world-writable lock directory")
	}
}
