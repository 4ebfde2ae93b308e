package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// DefaultLockDir is where repository locks live unless Config.LockDir says
// otherwise: $XDG_CACHE_HOME/mgit/locks (a per-user temporary directory
// when there is no cache directory). It is outside the workspace, so a
// failed clone leaves nothing behind, and shared by every mgit process of
// the user. The files are never removed: removing a lock file another
// process is about to lock would let two processes hold "the" lock.
func DefaultLockDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "mgit", "locks")
	}
	return filepath.Join(os.TempDir(), "mgit-locks-"+strconv.Itoa(os.Getuid()))
}

// lockPath is the lock file of repo: named by a hash of its absolute path,
// so any two mgit processes working on one directory agree on it.
func lockPath(dir string, repo Repo) string {
	sum := sha256.Sum256([]byte(filepath.Clean(repo.Path)))
	return filepath.Join(dir, hex.EncodeToString(sum[:12])+".lock")
}

// writes reports whether op changes the repository (or its destination)
// and so takes the repository lock. status reads with GIT_OPTIONAL_LOCKS=0
// and inspect only reads: neither waits for a writer.
func writes(op Op) bool { return op.Network() || op == OpCheckout }

// lockRepo takes the advisory lock of the job's repository, so two mgit
// processes (or two runs of one) working on one workspace queue per
// repository instead of failing on git's index.lock, ref locks or
// FETCH_HEAD. It waits up to Config.LockWait, telling the user once whom it
// waits for, then fails with git.ErrLocked. release gives the lock back.
func (x *opExec) lockRepo() (release func(), err error) { return x.takeRepoLock(false) }

// lockRepoShared takes the repository lock shared (OpExec): it waits, as
// lockRepo does, while an operation that changes the repository holds it,
// and holds off such operations while it is held, but any number of shared
// holders run together.
func (x *opExec) lockRepoShared() (release func(), err error) { return x.takeRepoLock(true) }

func (x *opExec) takeRepoLock(shared bool) (release func(), err error) {
	path := lockPath(x.r.e.cfg.LockDir, x.jb.Repo)
	f, err := openLock(path)
	if err != nil {
		// A read-only or full file system (a container's root, say)
		// must not stop the work: run unlocked, as mgit did before
		// locks, and say so.
		x.log.Warn().Err(classifyOS(err)).Str("lock", path).Msg("cannot take the repository lock; running without it")
		return func() {}, nil
	}
	deadline := time.Now().Add(x.r.e.cfg.LockWait)
	pause, told := 20*time.Millisecond, false
	for {
		busy, err := tryLockMode(f, shared)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s %s: lock %s: %w", x.jb.Op, x.jb.Repo.ID, path, err)
		}
		if !busy {
			break
		}
		holder := readHolder(f)
		if !told {
			told = true
			x.log.Info().Str("lock", path).Str("holder", holder).Msg("waiting for another mgit working on this repository")
			// Sent like OpStarted, never dropped: a wait of minutes
			// must show on the screen.
			x.r.e.emit(x.r.id, x.jb.Repo.ID, func(m Meta) Event {
				return OpProgress{Meta: m, Op: x.jb.Op, OpID: x.jb.opID, Progress: git.Progress{Phase: "Waiting for " + holder}}
			})
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, &git.Error{Op: string(x.jb.Op), Dir: x.jb.Repo.Path, Kind: git.ErrLocked,
				Detail: fmt.Sprintf("%s still works on this repository after %s (lock %s)", holder, x.r.e.cfg.LockWait, path)}
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-x.r.ctx.Done():
			t.Stop()
			f.Close()
			return nil, fmt.Errorf("%s %s: waiting for the repository lock: %w", x.jb.Op, x.jb.Repo.ID, x.r.ctx.Err())
		}
		pause = min(2*pause, 500*time.Millisecond)
	}
	// Say who holds it, for the message of whoever waits next (of shared
	// holders, the last to arrive).
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() { f.Close() }, nil // closing the descriptor releases the lock
}

func openLock(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := checkLockDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|lockFileFlag, 0o600)
}

// readHolder names the process holding the lock, as it wrote itself down.
func readHolder(f *os.File) string {
	b := make([]byte, 64)
	n, _ := f.ReadAt(b, 0)
	if s := strings.TrimSpace(string(b[:n])); s != "" {
		return "another mgit (" + s + ")"
	}
	return "another mgit"
}

// classifyOS marks a file-system error that has a class of its own, unless
// a backend already classified it.
func classifyOS(err error) error {
	if isNoSpace(err) && !errors.Is(err, git.ErrDiskFull) {
		return fmt.Errorf("%w: %w", git.ErrDiskFull, err)
	}
	return err
}
