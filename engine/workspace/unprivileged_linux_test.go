//go:build linux

package workspace

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// envUnprivileged marks the copy of the test binary runUnprivileged starts.
const envUnprivileged = "MGIT_TEST_UNPRIVILEGED"

// nobody is the uid and gid the test runs as when started as root.
const nobody = 65534

// runUnprivileged runs the calling test again, alone, in a copy of this
// test binary started as uid/gid 65534: root reads every directory, so a
// test about an unreadable one proves nothing as root (CI runs as root).
// It fails when that run fails, and skips, saying why, when the process
// cannot drop its privileges.
func runUnprivileged(t *testing.T) {
	t.Helper()
	if os.Getenv(envUnprivileged) != "" {
		t.Fatal("still root after dropping privileges")
	}
	// The go-build directory holding this binary is root's alone (0700):
	// the copy goes where uid 65534 can run it.
	dir, err := os.MkdirTemp("", "mgit-unprivileged-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(self))
	copyFile(t, self, bin)
	cmd := exec.Command(bin, "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), envUnprivileged + "=1"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	var exited *exec.ExitError
	if err != nil && !errors.As(err, &exited) {
		t.Skipf("running as root, and cannot start the test as uid %d to make a directory it cannot read: %v", nobody, err)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("as uid %d: %v\n%s", nobody, err, out)
	}
	t.Logf("ran as uid %d:\n%s", nobody, out)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
