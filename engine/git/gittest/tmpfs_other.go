//go:build !linux

package gittest

// useTmpfs changes nothing where /dev/shm is not Linux's tmpfs.
func useTmpfs(string) func() { return func() {} }
