package gitobj

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestUntrackedMatchesGit compares Untracked with the "??" lines of git
// status --porcelain --untracked-files=normal on generated trees: tracked
// and untracked directories, nested .gitignore files, info/exclude and a
// global excludes file, with generated patterns.
func TestUntrackedMatchesGit(t *testing.T) {
	gittest.Isolate(t)
	rounds := gittest.Sample(40, 12, 8)
	shown := 0
	var mu sync.Mutex
	// The rounds are independent: they run in parallel (the parent's
	// Isolate holds until all are done), each from its own seed.
	t.Run("rounds", func(t *testing.T) {
		for r := range rounds {
			t.Run(strconv.Itoa(r), func(t *testing.T) {
				t.Parallel()
				shownHere := 0
				defer func() {
					mu.Lock()
					defer mu.Unlock()
					shown += shownHere
				}()
				rng := rand.New(rand.NewPCG(uint64(r), 13))
				dir := filepath.Join(t.TempDir(), "repo")
				gittest.InitRepo(t, dir)
				patterns := func() string {
					var b strings.Builder
					for range 1 + rng.IntN(5) {
						b.WriteString(genPattern(rng) + "\n")
					}
					return b.String()
				}
				gittest.WriteFile(t, dir, ".gitignore", patterns())
				gittest.WriteFile(t, dir, "t/tracked", "t\n")
				gittest.WriteFile(t, dir, "t/u/tracked", "t\n")
				gittest.Git(t, dir, "add", "-f", ".gitignore", "t/tracked", "t/u/tracked")
				gittest.Git(t, dir, "commit", "-qm", "base")
				if rng.IntN(2) == 0 {
					gittest.WriteFile(t, dir, "t/.gitignore", patterns())
				}
				gittest.WriteFile(t, dir, ".git/info/exclude", patterns())
				excludes := filepath.Join(t.TempDir(), "excludes") // a file of its own: rounds run in parallel
				if err := os.WriteFile(excludes, []byte(patterns()), 0o644); err != nil {
					t.Fatal(err)
				}
				gittest.Git(t, dir, "config", "core.excludesFile", excludes)
				for _, base := range []string{"", "t/", "t/u/", "new/", "new/deep/"} {
					for _, n := range ignoreNames {
						if rng.IntN(6) == 0 {
							gittest.WriteFile(t, dir, base+n, "u\n")
						}
					}
				}
				if rng.IntN(3) == 0 {
					if err := os.MkdirAll(filepath.Join(dir, "emptydir"), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				var want []string
				for line := range strings.Lines(gittest.Git(t, dir, "status", "--porcelain", "--untracked-files=normal")) {
					if p, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "?? "); ok {
						want = append(want, unquoteStatus(p))
					}
				}
				repo, err := Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				cfg, err := LoadConfig(repo, os.Environ())
				if err != nil {
					t.Fatal(err)
				}
				tracked := strings.Fields(gittest.Git(t, dir, "ls-files"))
				got, err := Untracked(repo, cfg, os.Environ(), tracked)
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("round %d: untracked %q\ngit says %q", r, got, want)
				}
				shownHere += len(want)
			})
		}
	})

	t.Logf("%d untracked entries compared", shown)
}

// unquoteStatus undoes git's quoting of a path with a space or special
// character ("a b" is shown as "a b" unquoted in porcelain v1 unless it
// has special characters; quoted ones start with a double quote).
func unquoteStatus(p string) string {
	if s, ok := strings.CutPrefix(p, `"`); ok {
		s = strings.TrimSuffix(s, `"`)
		return strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\t`, "\t").Replace(s)
	}
	return p
}
