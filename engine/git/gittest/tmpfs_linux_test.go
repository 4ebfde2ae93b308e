package gittest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUseTmpfsMovesTempFiles: with TMPDIR on a disk, the tests' temporary
// files move to a fresh directory on /dev/shm, which the returned function
// removes; MGIT_TEST_TMPDIR=keep and a TMPDIR already on tmpfs stay.
func TestUseTmpfsMovesTempFiles(t *testing.T) {
	disk, err := os.MkdirTemp("/var/tmp", "mgit-gittest-")
	if err != nil || onTmpfs(disk) || !onTmpfs("/dev/shm") {
		t.Skipf("needs a non-tmpfs /var/tmp and a tmpfs /dev/shm (%v)", err)
	}
	defer os.RemoveAll(disk)

	t.Setenv("MGIT_TEST_TMPDIR", "keep")
	t.Setenv("TMPDIR", disk)
	useTmpfs("x")()
	if os.TempDir() != disk {
		t.Fatalf("MGIT_TEST_TMPDIR=keep: TMPDIR moved to %s", os.TempDir())
	}

	t.Setenv("MGIT_TEST_TMPDIR", "")
	done := useTmpfs("pkg/sub")
	moved := os.TempDir()
	if !strings.HasPrefix(moved, "/dev/shm/mgit-pkg-sub-tmp-") || !onTmpfs(moved) {
		done()
		t.Fatalf("TMPDIR %s, want a fresh directory on /dev/shm", moved)
	}
	// Already on tmpfs: nothing more is made.
	useTmpfs("again")()
	if os.TempDir() != moved {
		t.Errorf("TMPDIR on tmpfs moved again, to %s", os.TempDir())
	}
	if err := os.WriteFile(filepath.Join(moved, "f"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	done()
	if _, err := os.Stat(moved); !os.IsNotExist(err) {
		t.Errorf("%s not removed: %v", moved, err)
	}
}
