package gogit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestFailedCheckoutKeepsTheEmptyDestination: a clone into an empty
// directory the user made, failing in its checkout, leaves that directory
// as it was — empty, its mode kept — not removed and made again with the
// umask's mode (a volume mounted there could not be removed at all).
func TestFailedCheckoutKeepsTheEmptyDestination(t *testing.T) {
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "team/app")
	for _, existed := range []bool{true, false} {
		dest := filepath.Join(t.TempDir(), "app")
		if existed {
			if err := os.Mkdir(dest, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dest, 0o710); err != nil { // not what Mkdir(0o777) would give
				t.Fatal(err)
			}
		}
		boom := errors.New("injected")
		b := gogit.NewWithFaults(func(step string) error { return boom })
		if err := b.Clone(context.Background(), srv.URL("team/app"), dest, git.CloneOptions{}); err == nil {
			t.Fatal("clone succeeded despite the injected checkout failure")
		}
		fi, err := os.Lstat(dest)
		if !existed {
			if !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the failed clone left %s behind (%v)", dest, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("the user's empty destination is gone: %v", err)
		}
		if fi.Mode().Perm() != 0o710 {
			t.Errorf("destination mode %o, want 0710 as the user left it", fi.Mode().Perm())
		}
		if entries, _ := os.ReadDir(dest); len(entries) != 0 {
			t.Errorf("the failed clone left %d entries in the destination", len(entries))
		}
	}
}
