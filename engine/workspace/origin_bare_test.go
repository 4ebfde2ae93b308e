package workspace

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestOriginURLOfBareMirror: a bare repository (a mirror, as sync --mirror
// keeps) is its own git directory; its origin is read from its config.
// A directory that is neither a work tree nor a bare repository has none.
func TestOriginURLOfBareMirror(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo.git")
	const url = "https://example.test/org/repo.git"
	for _, args := range [][]string{
		{"init", "-q", "--bare", dir},
		{"-C", dir, "config", "remote.origin.url", url},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if got, err := OriginURL(dir); err != nil || got != url {
		t.Fatalf("OriginURL of a bare repository = %q, %v; want %q", got, err, url)
	}
	if _, err := OriginURL(filepath.Join(dir, "objects")); err == nil {
		t.Error("OriginURL of a plain directory succeeded")
	}
}
