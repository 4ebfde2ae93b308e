package state

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mgit-dev/mgit/engine/atomicfile"
)

// DefaultDir is mgit's cache directory: $XDG_CACHE_HOME/mgit, else
// $HOME/.cache/mgit. getenv is os.Getenv in production.
func DefaultDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mgit"), nil
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "mgit"), nil
	}
	return "", errors.New("cache directory: neither XDG_CACHE_HOME nor HOME is set")
}

// ensureDir creates dir (and parents) private to the user. An existing
// directory is tightened to 0700: the cache names repositories and servers.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create cache directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("cache directory permissions: %w", err)
	}
	return nil
}

// writeAtomic replaces path with data (0600) through atomicfile.Write,
// creating the cache directory first.
func writeAtomic(path string, data []byte) error {
	if err := ensureDir(filepath.Dir(path)); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}

// hashName turns an arbitrary key (a workspace root, a URL) into a file
// name: stable, fixed length, and free of path separators.
func hashName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16]) + ".json"
}
