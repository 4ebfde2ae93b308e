//go:build !linux

package secure

import "testing"

// testService is a service name of this test alone (keyctl, which needs
// cleaning up, exists only on Linux).
func testService(t *testing.T) string { return "mgit-test" }
