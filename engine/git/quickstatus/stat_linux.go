package quickstatus

import (
	"errors"
	"syscall"
)

// compare decides whether a tracked file is unchanged from its stat data
// alone, as git's ie_match_stat does: type, executable bit, size, mtime,
// inode and (unless core.trustctime is false) ctime. An entry racily clean
// — its mtime not older than the index — has its content compared.
func (w *walker) compare(abs string, e *entry) error {
	var st syscall.Stat_t
	if err := syscall.Lstat(abs, &st); err != nil {
		if errors.Is(err, syscall.ENOENT) {
			return slow("%s deleted", e.name)
		}
		return slow("stat %s: %v", e.name, err)
	}
	switch e.mode & modeTypeMask {
	case modeRegular:
		if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
			return slow("%s changed type", e.name)
		}
		if w.cfg.fileMode && (st.Mode&0o111 != 0) != (e.mode == modeExecutable) {
			return slow("%s changed mode", e.name)
		}
	case modeSymlink:
		if st.Mode&syscall.S_IFMT != syscall.S_IFLNK {
			return slow("%s changed type", e.name)
		}
	default:
		return slow("%s has mode %o", e.name, e.mode)
	}
	if uint32(st.Size) != e.size || uint32(st.Mtim.Sec) != e.mtimeSec || uint32(st.Mtim.Nsec) != e.mtimeNsec {
		return slow("%s modified", e.name)
	}
	if uint32(st.Ino) != e.ino {
		return slow("%s replaced (inode)", e.name)
	}
	if w.cfg.trustCtime && (uint32(st.Ctim.Sec) != e.ctimeSec || uint32(st.Ctim.Nsec) != e.ctimeNsec) {
		return slow("%s changed (ctime)", e.name)
	}
	sec, nsec := int64(st.Mtim.Sec), int64(st.Mtim.Nsec)
	if sec > w.idx.mtimeSec || (sec == w.idx.mtimeSec && nsec >= w.idx.mtimeNsec) {
		// Racily clean: the file may have changed in the same clock tick
		// the index was written (file times are only as fine as the
		// kernel's coarse clock), so stat data proves nothing.
		return w.sameContent(abs, e, st.Size)
	}
	return nil
}
