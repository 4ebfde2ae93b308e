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

// gitSaysDirty is the CLI's verdict on the work tree and index.
func gitSaysDirty(t *testing.T, dir string) bool {
	t.Helper()
	return gittest.Git(t, dir, "status", "--porcelain") != ""
}

// TestReviewStatusReplacedHead: HEAD's commit replaced (git replace) by a
// commit with another tree: git reports the difference as staged; the
// go-git backend read the original commit and said clean. Now it refuses
// (ErrUnsupported, pointing at the CLI backend), as Pull does.
func TestReviewStatusReplacedHead(t *testing.T) {
	_, work := cloned(t)
	head := gittest.Head(t, work)
	other := gittest.Commit(t, work, "other.txt", "x\n", "other")
	gittest.Git(t, work, "reset", "-q", "--hard", head)
	gittest.Git(t, work, "replace", head, other)
	if !gitSaysDirty(t, work) {
		t.Fatal("setup: git says clean")
	}
	st, err := gogit.New().Status(context.Background(), work)
	if errors.Is(err, git.ErrUnsupported) {
		return
	}
	if err != nil || !st.Dirty() {
		t.Errorf("go-git backend says %+v, %v; git reports a staged deletion of other.txt", st, err)
	}
	if _, err := pull(t, work); !errors.Is(err, git.ErrUnsupported) {
		t.Errorf("pull with replace refs: %v, want ErrUnsupported", err)
	}
}

// TestReviewStatusOwnerExecBit: an executable entry whose file is now
// rw-r-xr-x, with core.trustCtime=false: git says mode changed.
func TestReviewStatusOwnerExecBit(t *testing.T) {
	_, work := cloned(t)
	p := filepath.Join(work, "run.sh")
	gittest.WriteFile(t, work, "run.sh", "#!/bin/sh\n")
	if err := os.Chmod(p, 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, work, "add", "run.sh")
	gittest.Git(t, work, "commit", "-q", "-m", "exec")
	gittest.Git(t, work, "config", "core.trustCtime", "false")
	if err := os.Chmod(p, 0o655); err != nil {
		t.Fatal(err)
	}
	if !gitSaysDirty(t, work) {
		t.Fatal("setup: git says clean")
	}
	if st := status(t, work); !st.Dirty() {
		t.Errorf("go-git backend says clean (%+v); git says run.sh mode changed", st)
	}
}
