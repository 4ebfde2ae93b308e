//go:build linux

package secure

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestDisableCoreDumps runs the function in a child process (it changes
// the process for good) and checks PR_GET_DUMPABLE and RLIMIT_CORE there.
func TestDisableCoreDumps(t *testing.T) {
	if os.Getenv("MGIT_TEST_DUMP_CHILD") == "1" {
		if err := DisableCoreDumps(); err != nil {
			t.Fatal(err)
		}
		d, err := dumpable()
		var lim unix.Rlimit
		lerr := unix.Getrlimit(unix.RLIMIT_CORE, &lim)
		if err != nil || lerr != nil || d || lim.Cur != 0 || lim.Max != 0 {
			t.Fatalf("after DisableCoreDumps: dumpable %v (%v), core limit %d/%d (%v)", d, err, lim.Cur, lim.Max, lerr)
		}
		return
	}
	if d, err := dumpable(); err != nil || !d {
		t.Skipf("this test process is not dumpable to begin with (%v); nothing to prove", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestDisableCoreDumps$", "-test.v")
	cmd.Env = append(os.Environ(), "MGIT_TEST_DUMP_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestDisableCoreDumps") {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
