package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain gives the package a scratch directory, removed at the end, for
// the one build of the binary the tmux tests share (tmuxBinary).
func TestMain(m *testing.M) { os.Exit(testMain(m)) }

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mgit-ui-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	e2e.dir = dir
	return m.Run()
}

// e2e is the package's one build of the binary; TestMain sets dir.
var e2e struct {
	dir  string
	once sync.Once
	bin  string
	err  error
}

// tmuxBinary returns mgit built once for the package (each test built its
// own: seconds of linking apiece). Call it before gittest.Isolate moves
// HOME, so the usual module and build caches serve the build. With
// GOCOVERDIR set it is built with -cover, and its runs write coverage
// there (README).
func tmuxBinary(t *testing.T) string {
	t.Helper()
	e2e.once.Do(func() {
		bin := filepath.Join(e2e.dir, "mgit")
		args := []string{"build", "-o", bin}
		if os.Getenv("GOCOVERDIR") != "" {
			args = append(args, "-cover", "-coverpkg=github.com/mgit-dev/mgit/...")
		}
		if out, err := exec.Command("go", append(args, "github.com/mgit-dev/mgit")...).CombinedOutput(); err != nil {
			e2e.err = fmt.Errorf("build: %v\n%s", err, out)
			return
		}
		e2e.bin = bin
	})
	if e2e.err != nil {
		t.Fatal(e2e.err)
	}
	return e2e.bin
}
