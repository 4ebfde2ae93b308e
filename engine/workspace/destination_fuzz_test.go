package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzProviderDestination: whatever names a server returns, the path is
// either refused with ErrUnsafePath (or a resolve error) or lies strictly
// inside the root, also after resolving the symlink planted in it.
func FuzzProviderDestination(f *testing.F) {
	for _, s := range []string{"org/repo", "../../x", "/etc/x", "a/../../b", "a\x00b/r", "a\nb/r", "\x1b[31m/r", ".git/r", "o/.GIT", "link/r", "o/.."} {
		f.Add("github.com", s)
	}
	f.Add("h:8443", "o/r")
	f.Add("..", "o/r")
	root := f.TempDir()
	outside := f.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		f.Fatal(err)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, host, path string) {
		dest, err := ProviderDestination(root, host, strings.Split(path, "/")...)
		if err != nil {
			return
		}
		if !within(root, dest) || dest == root {
			t.Fatalf("ProviderDestination(%q, %q) = %q: outside %s", host, path, dest, root)
		}
		real, rerr := resolveExisting(dest)
		if rerr != nil && !errors.Is(rerr, ErrUnsafePath) {
			t.Fatalf("resolve %q: %v", dest, rerr)
		}
		if rerr == nil && !within(realRoot, real) {
			t.Fatalf("ProviderDestination(%q, %q) = %q resolves to %q outside the root", host, path, dest, real)
		}
		for _, seg := range strings.Split(strings.TrimPrefix(dest, root), string(filepath.Separator)) {
			if strings.EqualFold(seg, ".git") || seg == ".." || strings.ContainsFunc(seg, isControl) {
				t.Fatalf("ProviderDestination(%q, %q) = %q has segment %q", host, path, dest, seg)
			}
		}
	})
}
