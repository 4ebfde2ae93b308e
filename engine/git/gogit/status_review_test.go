package gogit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

// TestReviewStatusUntrackedShapes: the go-git backend's untracked count
// against git status for directories git shows or hides: empty, only
// ignored files, a nested repository, a directory holding an empty ".git"
// directory (not a repository to git), and a file named .git below the top.
func TestReviewStatusUntrackedShapes(t *testing.T) {
	cases := map[string]func(t *testing.T, w string){
		"empty dir": func(t *testing.T, w string) {
			if err := os.MkdirAll(filepath.Join(w, "e", "f"), 0o755); err != nil {
				t.Fatal(err)
			}
		},
		"only ignored": func(t *testing.T, w string) {
			gittest.WriteFile(t, w, ".git/info/exclude", "*.log\n")
			gittest.WriteFile(t, w, "d/a.log", "x")
		},
		"nested repo": func(t *testing.T, w string) { gittest.InitRepo(t, filepath.Join(w, "n")) },
		"empty .git dir": func(t *testing.T, w string) {
			if err := os.MkdirAll(filepath.Join(w, "n", ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
		},
		"empty .git dir and a file": func(t *testing.T, w string) {
			if err := os.MkdirAll(filepath.Join(w, "n", ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			gittest.WriteFile(t, w, "n/f.txt", "x")
		},
		".git file below top": func(t *testing.T, w string) { gittest.WriteFile(t, w, "s/.git", "junk\n") },
	}
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			_, work := cloned(t)
			mk(t, work)
			want := 0
			for _, l := range strings.Split(gittest.Git(t, work, "status", "--porcelain"), "\n") {
				if strings.HasPrefix(l, "??") {
					want++
				}
			}
			st, err := gogit.New().Status(context.Background(), work)
			if err != nil {
				return // declining is allowed
			}
			if st.Untracked != want {
				t.Errorf("untracked %d, git shows %d", st.Untracked, want)
			}
		})
	}
}
