package quickstatus

import (
	"os"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// sameInodeAndCtime completes the stat comparison with the fields os.FileInfo
// does not expose: a file replaced by another of the same size and mtime has
// a new inode and ctime.
func sameInodeAndCtime(fi os.FileInfo, e *index.Entry, trustCtime bool, p string) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return slow("%s: no stat data", p)
	}
	if uint32(st.Ino) != e.Inode {
		return slow("%s replaced (inode)", p)
	}
	if trustCtime && !time.Unix(st.Ctim.Sec, st.Ctim.Nsec).Equal(e.CreatedAt) {
		return slow("%s changed (ctime)", p)
	}
	return nil
}
