//go:build !linux

package secure

// DisableCoreDumps has nothing to do where prctl does not exist; on
// macOS and the BSDs a process that changed credentials is not dumped,
// and mgit relies on the system's core-file setting there.
func DisableCoreDumps() error { return nil }
