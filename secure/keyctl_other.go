//go:build !linux

package secure

import "errors"

// userKeyringAvailable: keyctl is a Linux kernel facility.
func userKeyringAvailable() error { return errors.New("keyctl exists only on Linux") }
