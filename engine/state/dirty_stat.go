package state

import (
	"os"
	"path/filepath"
	"strconv"
)

// IndexKey is the stat data of gitDir's index file that changes whenever
// git writes it (always by rename: a new inode, ctime and mtime), "" when
// it cannot be read — and then no hint is used.
func IndexKey(gitDir string) string {
	fi, err := os.Stat(filepath.Join(gitDir, "index"))
	if err != nil {
		return ""
	}
	k := strconv.FormatInt(fi.Size(), 10) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
	return k + fileID(fi)
}
