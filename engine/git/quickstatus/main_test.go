package quickstatus

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestMain has git make every repository of this binary from an empty
// template directory (GIT_TEMPLATE_DIR): git's default one holds 16 sample
// hooks and files that no test here needs, and creating files is much of
// these tests' cost (on ext4 without a journal each new inode scans the
// recently deleted ones). The code under test reads .git/info/exclude when
// it exists, as git does; the tests that need one write it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mgit-quickstatus-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	tmpl := filepath.Join(dir, "template")
	if err := os.Mkdir(tmpl, 0o700); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("GIT_TEMPLATE_DIR", tmpl)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
