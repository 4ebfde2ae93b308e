package gogit_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestPullRefusesWhatItCannotWriteAsGit: a filter driver (LFS), ident and
// a working-tree encoding change the bytes git writes; the go-git backend
// refuses before touching anything, naming the path and the fix, and the
// repository stays as it was.
func TestPullRefusesWhatItCannotWriteAsGit(t *testing.T) {
	cases := map[string]string{
		"filter=lfs":                       "*.psd filter=lfs diff=lfs merge=lfs -text\n",
		"the ident attribute":              "*.psd ident\n",
		"working-tree-encoding=ISO-8859-1": "*.psd working-tree-encoding=ISO-8859-1\n",
		"filter=crypt":                     "[attr]secret filter=crypt\n*.psd secret\n",
	}
	for what, attrs := range cases {
		t.Run(what, func(t *testing.T) {
			seed, work := cloned(t)
			gittest.WriteFile(t, seed, ".gitattributes", attrs)
			gittest.WriteFile(t, seed, "art/logo.psd", "pixels\n")
			gittest.WriteFile(t, seed, "README.md", "changed\n")
			gittest.Git(t, seed, "add", "-A")
			gittest.Git(t, seed, "commit", "-q", "-m", "art")
			gittest.Push(t, seed)
			head, snap, status := gittest.Head(t, work), snapshot(t, work), porcelain(t, work)

			_, err := pull(t, work)
			if !errors.Is(err, git.ErrUnsupported) {
				t.Fatalf("pull = %v, want ErrUnsupported", err)
			}
			for _, want := range []string{what, "art/logo.psd", "--git-backend cli"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if gittest.Head(t, work) != head || diffSnapshots(snap, snapshot(t, work)) != "" || porcelain(t, work) != status {
				t.Errorf("a refused pull changed the repository")
			}
		})
	}
}
