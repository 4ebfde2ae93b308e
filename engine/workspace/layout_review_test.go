package workspace

import (
	"errors"
	"testing"
)

// TestNoCloneLandsOnTheStateDirectory: in the flat layout a repository
// named ".mgit" (any listed org can have one) was cloned to <root>/.mgit,
// mgit's state directory: the trash then lived inside its work tree, and a
// tracked "trash" symlink to ".." made `mgit clean --trash` empty the
// whole workspace. Such a destination is now refused.
func TestNoCloneLandsOnTheStateDirectory(t *testing.T) {
	root := t.TempDir()
	for _, u := range []string{"https://h.example/org/.mgit.git", "https://h.example/org/.MGIT"} {
		if d, _, err := Destination(root, u, LayoutFlat); !errors.Is(err, ErrUnsafePath) {
			t.Errorf("Destination(%s, flat) = %s, %v; want ErrUnsafePath", u, d, err)
		}
	}
	if d, err := ProviderDestination(root, "", ".mgit"); !errors.Is(err, ErrUnsafePath) {
		t.Errorf("ProviderDestination(flat .mgit) = %s, %v; want ErrUnsafePath", d, err)
	}
	if _, err := ProviderDestination(root, "h.example", "org", ".mgit"); err != nil {
		t.Errorf("a .mgit repository below its host directory is harmless: %v", err)
	}
}
