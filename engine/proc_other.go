//go:build !unix

package engine

import "os"

// processAlive cannot tell on this platform, so it assumes the process lives:
// leaving a stale temporary clone is safe, removing a live one is not.
func processAlive(pid int) bool { return true }

// tryLock has no advisory lock to take on this platform: runs are not
// queued against each other here.
func tryLock(*os.File) (busy bool, err error) { return false, nil }

// tryLockMode has no advisory lock to take either (see tryLock).
func tryLockMode(*os.File, bool) (busy bool, err error) { return false, nil }

// isNoSpace cannot tell ENOSPC apart on this platform.
func isNoSpace(error) bool { return false }

// lockFileFlag: no O_NOFOLLOW on this platform.
const lockFileFlag = 0

// checkLockDir has no owner to check on this platform.
func checkLockDir(string) error { return nil }
