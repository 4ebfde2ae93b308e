//go:build !unix

package state

import "os"

// fileID is empty where there is no inode: size and mtime remain.
func fileID(os.FileInfo) string { return "" }
