package quickstatus

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// Patterns go-git's matcher reads as ignoring a file git shows as
// untracked: quickstatus must not call these repositories clean.
func TestIgnoreNeverGuessesClean(t *testing.T) {
	isolate(t)
	for _, c := range []struct{ pattern, file string }{
		{"[!a]x", "ax"},
		{"abc/**", "abc"},
	} {
		t.Run(c.pattern, func(t *testing.T) {
			_, _, clone := upstreamAndClone(t)
			write(t, clone, ".gitignore", c.pattern+"\n")
			run(t, clone, "commit", "-qam", "ignore")
			write(t, clone, c.file, "x\n")
			if out := run(t, clone, "status", "--porcelain"); out != "?? "+c.file {
				t.Fatalf("git status: %q", out)
			}
			wantSlow(t, clone)
		})
	}
}

var (
	genNames = []string{"a", "b", "ax", "bx", "abc", "x1", "a b", "B", "[ab]", "c.log"}
	genAtoms = []string{"a", "b", "x", "abc", "*", "?", "**", "[ab]", "[!a]", "[^a]", "[a-c]", "[[:alpha:]]",
		"[[:upper:]]", `\[ab]`, "*x", "a*", "?x", "x[0-9]", `a\ b`, "[a"}
)

func genPattern(rng *rand.Rand) string {
	var segs []string
	for range 1 + rng.IntN(2) {
		seg := genAtoms[rng.IntN(len(genAtoms))]
		if rng.IntN(3) == 0 {
			seg += genAtoms[rng.IntN(len(genAtoms))]
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
	if rng.IntN(6) == 0 {
		p += "  "
	}
	return p
}

// TestIgnoreGeneratedAgainstGitStatus: on generated ignore files and
// untracked trees, whenever git status shows anything quickstatus must
// not answer; when git shows nothing and the tree has no untracked
// directory, quickstatus must answer.
func TestIgnoreGeneratedAgainstGitStatus(t *testing.T) {
	isolate(t)
	// Each round is five git processes; 16 seeds under go test, all 60 in
	// .ci/run's full step (gittest.Sample).
	rounds := gittest.Sample(60, 16, 8)
	fast, dirty := 0, 0
	for r := range rounds {
		rng := rand.New(rand.NewPCG(uint64(r), 3))
		dir := filepath.Join(t.TempDir(), "repo")
		run(t, "", "init", "-q", dir)
		var gi strings.Builder
		for range 2 + rng.IntN(6) {
			gi.WriteString(genPattern(rng) + "\n")
		}
		write(t, dir, ".gitignore", gi.String())
		write(t, dir, "d/tracked", "t\n")
		write(t, dir, "tracked", "t\n")
		run(t, dir, "add", "-f", ".gitignore", "d/tracked", "tracked")
		run(t, dir, "commit", "-qm", "base")
		untrackedDir := false
		for _, n := range genNames {
			switch rng.IntN(9) {
			case 0:
				write(t, dir, n, "u\n")
			case 1:
				write(t, dir, "d/"+n, "u\n")
			case 2:
				if rng.IntN(3) == 0 {
					write(t, dir, n+"/f", "u\n")
					untrackedDir = true
				}
			}
		}
		out := run(t, dir, "status", "--porcelain")
		st, err := Read(dir)
		switch {
		case out != "":
			dirty++
			if !errors.Is(err, ErrSlowPath) {
				t.Errorf("round %d: quickstatus says clean (%+v, %v), git says:\n%s\n.gitignore:\n%s", r, st, err, out, gi.String())
			}
		case err == nil:
			fast++
		case !untrackedDir:
			t.Errorf("round %d: git says clean, quickstatus asks git: %v\n.gitignore:\n%s", r, err, gi.String())
		}
		os.RemoveAll(dir)
	}
	t.Logf("%d rounds: %d dirty (all sent to git), %d clean answered in-process", rounds, dirty, fast)
}

// The global excludes file is the lowest-priority list: what only it
// ignores is ignored, and a repository's "!" pattern overrides it.
func TestGlobalExcludes(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	excludes := filepath.Join(t.TempDir(), "ignore")
	if err := os.WriteFile(excludes, []byte("*.tmp\n.idea/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, clone, "config", "core.excludesFile", excludes)
	write(t, clone, "scratch.tmp", "x\n")
	write(t, clone, ".idea/ws.xml", "x\n")
	agree(t, clone)
	write(t, clone, ".gitignore", "build/\n*.log\n!keep.tmp\n")
	run(t, clone, "commit", "-qam", "keep")
	write(t, clone, "keep.tmp", "x\n")
	if out := run(t, clone, "status", "--porcelain"); out != "?? keep.tmp" {
		t.Fatalf("git status: %q", out)
	}
	wantSlow(t, clone)
}
