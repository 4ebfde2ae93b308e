package gittest

import (
	"os"
	"strings"
	"syscall"
)

// tmpfsMagic is statfs's f_type of a tmpfs (linux/magic.h).
const tmpfsMagic = 0x01021994

// tmpfsRoom is the free space /dev/shm needs before the tests' temporary
// files go there: the full tier's largest test holds about a gigabyte at
// once; a container's default 64 MiB /dev/shm is left alone.
const tmpfsRoom = 4 << 30

// useTmpfs points TMPDIR (so os.TempDir and t.TempDir) at a fresh
// directory on /dev/shm when TMPDIR is not on a tmpfs already and /dev/shm
// is one with room, and returns the function that removes it. The tests
// make and delete hundreds of thousands of files (a git repository a
// test, most of them); on this project's 2-core machines /tmp is ext4
// without a journal, where creating an inode scans the recently deleted
// ones: perf put 58 % of engine/git/gogit's test CPU there (40 s of CPU
// with /tmp, 14 s on tmpfs; engine/git/cli 24 s and 12 s).
// MGIT_TEST_TMPDIR=keep leaves TMPDIR alone.
func useTmpfs(name string) func() {
	none := func() {}
	if os.Getenv("MGIT_TEST_TMPDIR") == "keep" || onTmpfs(os.TempDir()) {
		return none
	}
	const shm = "/dev/shm"
	var st syscall.Statfs_t
	if syscall.Statfs(shm, &st) != nil || st.Type != tmpfsMagic || st.Bavail*uint64(st.Bsize) < tmpfsRoom {
		return none
	}
	dir, err := os.MkdirTemp(shm, "mgit-"+strings.ReplaceAll(name, "/", "-")+"-tmp-")
	if err != nil {
		return none
	}
	if os.Setenv("TMPDIR", dir) != nil {
		os.RemoveAll(dir)
		return none
	}
	return func() { os.RemoveAll(dir) }
}

func onTmpfs(dir string) bool {
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Type == tmpfsMagic
}
