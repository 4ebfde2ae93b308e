package gitobj

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

var (
	ignoreNames = []string{"a", "b", "ax", "bx", "abc", "x1", "a b", "a*", ".h", "B", "a]", "[ab]"}
	ignoreAtoms = []string{"a", "b", "x", "abc", "*", "?", "**", "[ab]", "[!a]", "[^a]", "[a-c]", "[]a]", "[[:alpha:]]",
		"[[:digit:]]", "[[:upper:]]", "[[:punct:]]", `\*`, `\[ab]`, "[a-]", "[!]]", "*x", "a*", "?x", "a?c", "x[0-9]", "a\\ b", "[[:foo:]]", "[a"}
)

func genPattern(rng *rand.Rand) string {
	var segs []string
	for range 1 + rng.IntN(3) {
		seg := ignoreAtoms[rng.IntN(len(ignoreAtoms))]
		if rng.IntN(3) == 0 {
			seg += ignoreAtoms[rng.IntN(len(ignoreAtoms))]
		}
		segs = append(segs, seg)
	}
	p := strings.Join(segs, "/")
	switch rng.IntN(6) {
	case 0:
		p = "/" + p
	case 1:
		p += "/"
	case 2:
		p += "/**"
	}
	if rng.IntN(4) == 0 {
		p = "!" + p
	}
	switch rng.IntN(8) {
	case 0:
		p += "  "
	case 1:
		p += `\ `
	case 2:
		p += "\t"
	}
	return p
}

// isExcluded is what git decides for path: a parent directory that is
// excluded excludes it (its own ignore file then is not read), else the
// lists in effect in its directory decide.
func isExcluded(ig *Ignore, lists map[string]IgnoreList, path string, isDir bool) bool {
	parts := strings.Split(path, "/")
	n := 0
	defer func() {
		for range n {
			ig.Pop()
		}
	}()
	ig.Push(lists[""])
	n++
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		if ig.Excluded(dir, true) {
			return true
		}
		ig.Push(lists[dir+"/"])
		n++
	}
	return ig.Excluded(path, isDir)
}

// TestIgnoreMatchesGit compares the ignore rules with git check-ignore on
// generated pattern sets (root and nested .gitignore, info/exclude) over
// generated trees.
func TestIgnoreMatchesGit(t *testing.T) {
	gittest.Isolate(t)
	rounds := gittest.Sample(60, 16, 10)
	checked, ignoredByGit := 0, 0
	var mu sync.Mutex
	// The rounds are independent: they run in parallel (the parent's
	// Isolate holds until all are done), each from its own seed.
	t.Run("rounds", func(t *testing.T) {
		for r := range rounds {
			t.Run(strconv.Itoa(r), func(t *testing.T) {
				t.Parallel()
				checkedHere := 0
				ignoredByGitHere := 0
				defer func() {
					mu.Lock()
					defer mu.Unlock()
					checked += checkedHere
					ignoredByGit += ignoredByGitHere
				}()
				rng := rand.New(rand.NewPCG(uint64(r), 11))
				dir := t.TempDir()
				gittest.InitRepo(t, dir)
				// A tree of files and directories.
				var paths []string
				isDir := map[string]bool{}
				var grow func(prefix string, depth int)
				grow = func(prefix string, depth int) {
					for _, n := range ignoreNames {
						if rng.IntN(3) != 0 {
							continue
						}
						p := prefix + n
						if depth < 2 && rng.IntN(3) == 0 {
							if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
								t.Fatal(err)
							}
							isDir[p] = true
							paths = append(paths, p)
							grow(p+"/", depth+1)
							continue
						}
						if err := os.WriteFile(filepath.Join(dir, p), nil, 0o644); err != nil {
							t.Fatal(err)
						}
						paths = append(paths, p)
					}
				}
				grow("", 0)
				lists := map[string]IgnoreList{}
				write := func(file, base string, key string) {
					var b strings.Builder
					for range 1 + rng.IntN(6) {
						b.WriteString(genPattern(rng) + "\n")
					}
					// .git/info is not there with TestMain's empty template.
					if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, file)), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, file), []byte(b.String()), 0o644); err != nil {
						t.Fatal(err)
					}
					l, err := ParseIgnore([]byte(b.String()), base)
					if err != nil {
						t.Fatal(err)
					}
					lists[key] = l
				}
				write(".gitignore", "", "")
				for p := range isDir {
					if rng.IntN(2) == 0 {
						write(p+"/.gitignore", p+"/", p+"/")
					}
				}
				write(".git/info/exclude", "", "exclude")
				ig := NewIgnore(lists["exclude"])
				sort.Strings(paths)
				cmd := exec.Command("git", "check-ignore", "--no-index", "--stdin", "-z")
				cmd.Dir = dir
				cmd.Stdin = strings.NewReader(strings.Join(paths, "\x00") + "\x00")
				out, err := cmd.Output()
				if err != nil && len(out) > 0 {
					t.Fatalf("check-ignore: %v", err)
				}
				gitSays := map[string]bool{}
				for p := range bytes.SplitSeq(bytes.TrimSuffix(out, []byte{0}), []byte{0}) {
					gitSays[string(p)] = true
					ignoredByGitHere++
				}
				for _, p := range paths {
					checkedHere++
					if got := isExcluded(ig, lists, p, isDir[p]); got != gitSays[p] {
						gi, _ := os.ReadFile(filepath.Join(dir, ".gitignore"))
						t.Errorf("round %d: %q (dir %v) excluded=%v, git says %v\n.gitignore:\n%s", r, p, isDir[p], got, gitSays[p], gi)
					}
				}
			})
		}
	})

	t.Logf("%d paths compared, %d ignored by git", checked, ignoredByGit)
}

// The two cases where go-git's matcher ignores what git does not, and a few
// more from wildmatch's own rules.
func TestIgnoreKnownCases(t *testing.T) {
	cases := []struct {
		pattern, path string
		isDir, want   bool
	}{
		{"[!a]x", "ax", false, false},
		{"[!a]x", "bx", false, true},
		{"abc/**", "abc", false, false},
		{"abc/**", "abc/d", false, true},
		{"a**/b", "a/x/b", false, true},    // "**" after the literal prefix counts as leading
		{"x/a**b", "x/ab", false, true},    // and here too, after "x/a"
		{"x/*a**b", "x/a/b", false, false}, // not at a slash: two stars are one
		{`a\ `, "a ", false, true},
		{"a  ", "a", false, true},
		{"d/", "d", false, false},
		{"[[:alpha:]]", "B", false, true},
	}
	for _, c := range cases {
		l, err := ParseIgnore([]byte(c.pattern+"\n"), "")
		if err != nil {
			t.Fatal(err)
		}
		if got := NewIgnore(l).Excluded(c.path, c.isDir); got != c.want {
			t.Errorf("%q vs %q: %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}
