package secure

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrPermissions is wrapped when a file mgit reads or writes is open to
// other users.
var ErrPermissions = errors.New("unsafe permissions")

// CheckPrivateFile refuses a file that other users may read or write.
// mgit's configuration holds no secret, but it decides where tokens are
// sent: a file others can change could send them elsewhere, and one others
// can read tells them which servers and organisations matter.
//
// A file of the current user must have no group or other permissions; the
// error names the chmod to run. A file of another user (a read-only mount
// provisioned by root, e.g. a Kubernetes ConfigMap) cannot be chmod-ed by
// mgit's user, so it is accepted when nobody but its owner may write it.
// A missing file is fine (nothing configured).
func CheckPrivateFile(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	mode := fi.Mode().Perm()
	own := ownedByMe(fi)
	switch {
	case own && mode&0o077 != 0:
		return fmt.Errorf("%s is open to other users (mode %04o): %w; run: chmod 600 %s", path, mode, ErrPermissions, shellQuote(path))
	case !own && mode&0o022 != 0:
		return fmt.Errorf("%s is writable by users other than its owner (mode %04o): %w; make it writable by its owner only", path, mode, ErrPermissions)
	}
	return nil
}

// EnsurePrivateDir creates dir (and missing parents) 0700 and tightens an
// existing dir to 0700: state, cache and audit directories name servers and
// repositories.
func EnsurePrivateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("restrict %s: %w", dir, err)
	}
	return nil
}

// OpenPrivateAppend opens path for appending, creating it 0600 (and its
// directory 0700 when missing); an existing file is tightened to 0600.
func OpenPrivateAppend(path string) (*os.File, error) {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := EnsurePrivateDir(dir); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600) // #nosec G304 -- the path is the user's --audit-log
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("restrict %s: %w", path, err)
	}
	return f, nil
}

// shellQuote quotes p for a POSIX shell when it needs it.
func shellQuote(p string) string {
	for _, c := range p {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '_' || c == '-') {
			return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return p
}
