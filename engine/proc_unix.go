//go:build unix

package engine

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// processAlive reports whether a process with this id exists. EPERM means it
// exists under another user; PID reuse can make a dead mgit look alive, which
// only delays the clean-up of its temporary clone to a later run.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// tryLock takes an exclusive advisory lock on f without waiting; busy is
// true when another open file description (another mgit) holds it.
func tryLock(f *os.File) (busy bool, err error) {
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

// tryLockMode is tryLock, or with shared a shared lock that only an
// exclusive holder makes busy.
func tryLockMode(f *os.File, shared bool) (busy bool, err error) {
	if !shared {
		return tryLock(f)
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

// lockFileFlag keeps openLock from following a symlink planted where a
// lock file goes (the fallback lock directory is in /tmp).
const lockFileFlag = syscall.O_NOFOLLOW

// checkLockDir refuses a lock directory another user could write to or
// owns: whoever controls it can plant files (or hold every lock forever).
func checkLockDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || fi.Mode().Perm()&0o022 != 0 || (ok && int(st.Uid) != os.Getuid()) {
		return fmt.Errorf("lock directory %s is not a directory only this user can write (mode %s): remove it or set another lock directory", dir, fi.Mode())
	}
	return nil
}

// isNoSpace reports whether err is the file system running out of room.
func isNoSpace(err error) bool { return errors.Is(err, syscall.ENOSPC) }
