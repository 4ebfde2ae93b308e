package gogit_test

import (
	"context"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// go-git's ignore matcher ignores more than git: with "[!a]x" an untracked
// "ax", and with "abc/**" an untracked file "abc", are shown by git and
// were hidden by the go-git backend, which then called the repository
// clean. Status and Changes must list them as git does.
func TestUntrackedWithGitsIgnoreRules(t *testing.T) {
	for _, c := range []struct{ pattern, file string }{
		{"[!a]x", "ax"},
		{"abc/**", "abc"},
	} {
		t.Run(c.pattern, func(t *testing.T) {
			_, work := cloned(t)
			gittest.WriteFile(t, work, ".gitignore", c.pattern+"\n")
			gittest.Git(t, work, "add", ".gitignore")
			gittest.Git(t, work, "commit", "-qm", "ignore")
			gittest.WriteFile(t, work, c.file, "x\n")
			if out := gittest.Git(t, work, "status", "--porcelain"); out != "?? "+c.file {
				t.Fatalf("git status: %q", out)
			}
			if st := status(t, work); st.Untracked != 1 || st.State() != "dirty" {
				t.Errorf("go-git status: untracked %d, state %s; git shows ?? %s", st.Untracked, st.State(), c.file)
			}
			fcs, err := gogit.New().Changes(context.Background(), work)
			if err != nil || len(fcs) != 1 || fcs[0].Path != c.file || !fcs[0].Untracked {
				t.Errorf("Changes = %+v, %v; want untracked %s", fcs, err, c.file)
			}
		})
	}
}
