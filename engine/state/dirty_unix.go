//go:build unix

package state

import (
	"os"
	"strconv"
	"syscall"
)

// fileID is the inode and device of fi: a rewritten index has a new one
// even when size and mtime happen to match.
func fileID(fi os.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return " " + strconv.FormatUint(uint64(st.Ino), 10) + " " + strconv.FormatUint(uint64(st.Dev), 10)
}
