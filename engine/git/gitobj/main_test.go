package gitobj_test

import (
	"os"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestMain has git make every repository of this binary from an empty
// template directory (GIT_TEMPLATE_DIR): git's default one holds 16 sample
// hooks and files that no test here needs, and creating files is much of
// these tests' cost (on ext4 without a journal each new inode scans the
// recently deleted ones). The code under test reads .git/info/exclude when
// it exists, as git does; the tests that need one write it.
func TestMain(m *testing.M) {
	os.Exit(gittest.TempMain(m, "gitobj", gittest.EmptyTemplate))
}
