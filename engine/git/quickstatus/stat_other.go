//go:build !linux

package quickstatus

import "github.com/mgit-dev/mgit/engine/git/gitobj"

// compare needs the inode and ctime, which only the Linux build reads;
// elsewhere git always answers, which is only slower.
func (w *walker) compare(_ int, _, _ string, e *gitobj.IndexEntry) error {
	return slow("%s: stat comparison only on linux", e.Name)
}
