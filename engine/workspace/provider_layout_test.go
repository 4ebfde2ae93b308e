package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestProviderDestination(t *testing.T) {
	root := t.TempDir()
	got, err := ProviderDestination(root, "dev.azure.com", "contoso", "Web Project", "api")
	if err != nil || got != filepath.Join(root, "dev.azure.com", "contoso", "Web Project", "api") {
		t.Fatalf("azure = %q, %v", got, err)
	}
	got, err = ProviderDestination(root, "127.0.0.1:8080", "org", "repo")
	if err != nil || got != filepath.Join(root, "127.0.0.1_8080", "org", "repo") {
		t.Fatalf("port = %q, %v", got, err)
	}
	if got, err = ProviderDestination(root, "", "repo"); err != nil || got != filepath.Join(root, "repo") {
		t.Fatalf("flat = %q, %v", got, err)
	}
	for _, segs := range [][]string{{".."}, {"org", ".."}, {"org", "a/b"}, {"org", ""}, {"org", ".git"}, {"org", "x\x1b"}, {}} {
		if _, err := ProviderDestination(root, "h", segs...); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("%q: err = %v, want ErrUnsafePath", segs, err)
		}
	}
	if _, err := ProviderDestination(root, "..", "org", "repo"); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("host ..: err = %v", err)
	}
	// A symlink inside root pointing outside is refused.
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "h")); err != nil {
		t.Fatal(err)
	}
	if _, err := ProviderDestination(root, "h", "org", "repo"); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("symlink escape: err = %v", err)
	}
}
