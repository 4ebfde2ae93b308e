package difftest

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestReproducible builds the same seeds twice and requires the same
// repository: the promise that a seed in KNOWN.md or the fuzz corpus
// rebuilds the case it names.
func TestReproducible(t *testing.T) {
	gittest.Isolate(t)
	base := t.TempDir()
	remote, err := NewRemote(filepath.Join(base, "upstream.git"))
	if err != nil {
		t.Fatal(err)
	}
	describe := func(r *Repo) string {
		var s string
		for _, args := range [][]string{
			{"rev-parse", "HEAD"}, {"status", "--porcelain=v2", "--branch", "--show-stash", "--untracked-files=all"},
			{"ls-files", "--stage"}, {"for-each-ref"},
		} {
			out, _ := gitCmd(r.Dir, nil, args...)
			s += string(out)
		}
		return s
	}
	// The quick tier's 3 seeds include seed 0, built with every feature:
	// building a repository is git processes and single-threaded Go, where
	// more seeds find nothing new under the race detector. The full
	// tier's 12 (what the gate ran before the tiers) run in .ci/run's
	// MGIT_TEST_FULL=1 step.
	seeds := uint64(gittest.Sample(12, 3, 2))
	for seed := range seeds {
		// Parallel: each seed builds its own pair and only reads the
		// shared remote.
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			t.Parallel()
			reproduce(t, base, remote, seed, describe)
		})
	}
}

// reproduce builds seed twice and fails when the two differ.
func reproduce(t *testing.T, base string, remote *Remote, seed uint64, describe func(*Repo) string) {
	f := FeaturesFor(seed)
	if seed%4 == 0 {
		f = AllFeatures &^ Unborn
	}
	var got [2]string
	for i := range got {
		r, err := Build(filepath.Join(base, fmt.Sprintf("%d-%d", seed, i)), remote, seed, f)
		if err != nil {
			t.Fatal(err)
		}
		got[i] = describe(r)
	}
	if got[0] != got[1] {
		t.Errorf("seed %d features %s built two different repositories:\n%s\n---\n%s", seed, f.Normalize(), got[0], got[1])
	}
}
