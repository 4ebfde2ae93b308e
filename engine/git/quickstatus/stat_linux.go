package quickstatus

import (
	"errors"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
)

// compare decides whether a tracked file is unchanged from its stat data
// alone, as git's ie_match_stat does: type, executable bit, size, mtime,
// inode and (unless core.trustctime is false) ctime. An entry racily clean
// — its mtime not older than the index — has its content compared.
// The file is name in the directory open as dirfd, at dir.
func (w *walker) compare(dirfd int, name, dir string, e *gitobj.IndexEntry) error {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return slow("%s deleted", e.Name)
		}
		return slow("stat %s: %v", e.Name, err)
	}
	switch e.Mode & modeTypeMask {
	case modeRegular:
		if st.Mode&unix.S_IFMT != unix.S_IFREG {
			return slow("%s changed type", e.Name)
		}
		// git looks at the owner's execute bit only (S_IXUSR).
		if w.cfg.fileMode && (st.Mode&0o100 != 0) != (e.Mode == modeExecutable) {
			return slow("%s changed mode", e.Name)
		}
	case modeSymlink:
		if st.Mode&unix.S_IFMT != unix.S_IFLNK {
			return slow("%s changed type", e.Name)
		}
	default:
		return slow("%s has mode %o", e.Name, e.Mode)
	}
	if uint32(st.Size) != e.Size || uint32(st.Mtim.Sec) != e.MtimeSec || uint32(st.Mtim.Nsec) != e.MtimeNsec {
		return slow("%s modified", e.Name)
	}
	if uint32(st.Ino) != e.Ino {
		return slow("%s replaced (inode)", e.Name)
	}
	if w.cfg.trustCtime && (uint32(st.Ctim.Sec) != e.CtimeSec || uint32(st.Ctim.Nsec) != e.CtimeNsec) {
		return slow("%s changed (ctime)", e.Name)
	}
	sec, nsec := int64(st.Mtim.Sec), int64(st.Mtim.Nsec)
	if sec > w.idx.MtimeSec || (sec == w.idx.MtimeSec && nsec >= w.idx.MtimeNsec) {
		// Racily clean: the file may have changed in the same clock tick
		// the index was written (file times are only as fine as the
		// kernel's coarse clock), so stat data proves nothing.
		return w.sameContent(dir+string(filepath.Separator)+name, e, st.Size)
	}
	return nil
}
