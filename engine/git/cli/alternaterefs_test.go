//go:build unix

package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestAlternateRefsIsGitsDefaultListing: the command authConfig puts in
// place of core.alternateRefsCommand must print what git's default does
// (for-each-ref of the alternate), run the way git runs a configured
// command (sh -c '<value> "$@"' with the alternate's path), or fetches in
// repositories with alternates would negotiate without their objects.
func TestAlternateRefsIsGitsDefaultListing(t *testing.T) {
	gittest.Isolate(t)
	alt := filepath.Join(t.TempDir(), "alt")
	gittest.InitRepo(t, alt)
	gittest.Commit(t, alt, "a", "a\n", "one")
	gittest.Git(t, alt, "switch", "-q", "-c", "other")
	gittest.Commit(t, alt, "b", "b\n", "two")
	gitDir := filepath.Join(alt, ".git")
	want := gittest.Git(t, "", "--git-dir="+gitDir, "for-each-ref", "--format=%(objectname)")
	out, err := exec.Command("sh", "-c", alternateRefs+` "$@"`, alternateRefs, gitDir).Output()
	if err != nil {
		t.Fatalf("alternateRefs: %v", err)
	}
	if strings.TrimSpace(string(out)) != strings.TrimSpace(want) || len(strings.Fields(want)) != 2 {
		t.Fatalf("alternateRefs listed %q, git's default %q", out, want)
	}
}
