package state

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// DirtyHints remembers, per repository, that git last found its work tree
// dirty and what its index file looked like then. Status asks git at once
// for such a repository instead of first proving in-process that it is
// clean — a proof that reads the whole index and fails. A hint only ever
// sends the question to git, never answers it: a stale or foreign hint
// costs one git process, not a wrong screen. One small file per repository
// (keyed by its git directory) keeps concurrent statuses from racing on a
// shared file.
type DirtyHints struct {
	dir string
}

// OpenDirtyHints keeps hints under dir/dirty (dir: see DefaultDir).
func OpenDirtyHints(dir string) *DirtyHints {
	return &DirtyHints{dir: filepath.Join(dir, "dirty")}
}

// File is where gitDir's hint is kept (tests forge and copy hints).
func (h *DirtyHints) File(gitDir string) string {
	sum := sha256.Sum256([]byte(filepath.Clean(gitDir)))
	return filepath.Join(h.dir, hex.EncodeToString(sum[:16]))
}

// Dirty reports whether gitDir was last found dirty with an index file
// whose stat data was index (see IndexKey).
func (h *DirtyHints) Dirty(gitDir, index string) bool {
	if h == nil || index == "" {
		return false
	}
	b, err := os.ReadFile(h.File(gitDir))
	return err == nil && string(b) == filepath.Clean(gitDir)+"\n"+index
}

// Mark records that gitDir is dirty with index. Errors are ignored: a hint
// that was not written costs only the in-process check next time.
func (h *DirtyHints) Mark(gitDir, index string) {
	if h == nil || index == "" || h.Dirty(gitDir, index) {
		return
	}
	_ = writeAtomic(h.File(gitDir), []byte(filepath.Clean(gitDir)+"\n"+index))
}

// Clear forgets gitDir's hint (git found it clean).
func (h *DirtyHints) Clear(gitDir string) {
	if h == nil {
		return
	}
	if err := os.Remove(h.File(gitDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
}
