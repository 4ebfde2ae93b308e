package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"github.com/mgit-dev/mgit/engine/atomicfile"
	"github.com/mgit-dev/mgit/engine/state"
)

// gitVersion returns `git version`'s output for the git at path. Every
// mgit command checks the version once, and a process costs more than
// the rest of a small command; so the answer is kept in the cache
// directory, keyed by the binary's path, size and modification time — an
// upgrade or reinstall replaces the file and so asks again. A cache that
// cannot be read or written only costs the process.
func gitVersion(ctx context.Context, path string, getenv func(string) string) (string, error) {
	file := versionCacheFile(path, getenv)
	if file != "" {
		if b, err := os.ReadFile(file); err == nil {
			if _, _, err := parseVersion(string(b)); err == nil {
				return string(b), nil
			}
		}
	}
	cmd := exec.CommandContext(ctx, path, "version")
	// Even `git version` gets no secrets: a wrapper script on PATH or an
	// alias would otherwise see them.
	cmd.Env = buildEnv(os.Environ(), "", cmdOpts{}, nil)
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("run %s version: %w", path, err)
	}
	if _, _, perr := parseVersion(string(out)); perr == nil && file != "" {
		if os.MkdirAll(filepath.Dir(file), 0o700) == nil {
			_ = atomicfile.Write(file, out, 0o600)
		}
	}
	return string(out), nil
}

// versionCacheFile is where the version of the git at path is kept, ""
// when there is no cache directory or path cannot be stat'ed.
func versionCacheFile(path string, getenv func(string) string) string {
	dir, err := state.DefaultDir(getenv)
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return ""
	}
	key := abs + "\x00" + strconv.FormatInt(fi.Size(), 10) + "\x00" + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(dir, "gitversion", hex.EncodeToString(sum[:16]))
}
