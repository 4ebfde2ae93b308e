//go:build unix

package engine

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestEmptyTrashDoesNotFollowASymlinkedTrash: when <workspace>/.mgit or
// <workspace>/.mgit/trash is a symlink (planted by whoever can write the
// workspace, or left by a user who moved the state elsewhere), `mgit clean
// --trash` listed the symlink's target and removed everything in it:
// directories that were never trashed. Now a trash that is not a real
// directory is refused.
func TestEmptyTrashDoesNotFollowASymlinkedTrash(t *testing.T) {
	for _, link := range []string{StateDirName, filepath.Join(StateDirName, TrashDirName)} {
		t.Run(link, func(t *testing.T) {
			root := t.TempDir()
			elsewhere := t.TempDir()
			precious := filepath.Join(elsewhere, "precious")
			if err := os.MkdirAll(filepath.Join(precious, TrashDirName), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(root, link)), 0o700); err != nil {
				t.Fatal(err)
			}
			target := precious
			if link == StateDirName {
				target = elsewhere
				if err := os.Rename(precious, filepath.Join(elsewhere, TrashDirName)); err != nil {
					t.Fatal(err)
				}
				precious = filepath.Join(elsewhere, TrashDirName)
			}
			if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
				t.Fatal(err)
			}
			_, _ = EmptyTrash(root, time.Time{})
			if _, err := os.Stat(filepath.Join(precious, TrashDirName)); err != nil {
				t.Fatalf("clean --trash followed %s and removed what it points at: %v", link, err)
			}
		})
	}
}

// TestMoveToTrashDoesNotFollowASymlinkedTrash: with a symlinked trash a
// replaced clone was moved out of the workspace to wherever the link
// pointed (another user's directory, say), where `clean --trash` and the
// run's message no longer find it.
func TestMoveToTrashDoesNotFollowASymlinkedTrash(t *testing.T) {
	root := t.TempDir()
	elsewhere := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, StateDirName), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, TrashDir(root)); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(root, "r")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	to, err := moveToTrash(TrashDir(root), "r", dest)
	if err == nil {
		if real, _ := filepath.EvalSymlinks(to); filepath.Dir(real) != filepath.Dir(to) {
			t.Fatalf("the replaced clone went through the symlinked trash to %s", real)
		}
	}
}
