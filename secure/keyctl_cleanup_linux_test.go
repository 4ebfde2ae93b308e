//go:build linux

package secure

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"

	"golang.org/x/sys/unix"
)

// testService is a service name of this test alone. The keyctl backend
// creates a keyring of that name linked into the user's kernel keyring,
// which deleting items leaves behind; the cleanup unlinks it, so test
// runs leave no empty mgit-test-* keyrings.
func testService(t *testing.T) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "mgit-test-" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		if err := unlinkKeyring(name); err != nil {
			t.Errorf("clean up keyring %s: %v", name, err)
		}
	})
	return name
}

// unlinkKeyring unlinks the keyring called name from the user keyring;
// none is fine.
func unlinkKeyring(name string) error {
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "keyring", name, 0)
	if errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return nil // never created, or no keyctl here
	}
	if err != nil {
		return err
	}
	_, err = unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0)
	return err
}

// keyringLinked reports whether a keyring called name hangs off the user
// keyring.
func keyringLinked(name string) bool {
	_, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "keyring", name, 0)
	return err == nil
}
