//go:build !linux

package workspace

import "testing"

// runUnprivileged skips: dropping to another uid is done on Linux only.
func runUnprivileged(t *testing.T) {
	t.Helper()
	t.Skip("running as root, which reads every directory, so the unreadable directory this test needs cannot exist; run it as a normal user")
}
