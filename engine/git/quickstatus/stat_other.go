//go:build !linux

package quickstatus

// compare needs the inode and ctime, which only the Linux build reads;
// elsewhere git always answers, which is only slower.
func (w *walker) compare(_ string, e *entry) error {
	return slow("%s: stat comparison only on linux", e.name)
}
