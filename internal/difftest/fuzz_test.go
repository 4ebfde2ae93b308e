package difftest

import (
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// FuzzDifferential builds the repository named by (seed, feature bits) and
// fails on any disagreement with git that KnownDisagreements does not
// list. testdata/fuzz/FuzzDifferential keeps every input that ever
// disagreed, so each is a regression case in every ordinary go test run.
//
//	go test ./internal/difftest -run '^$' -fuzz FuzzDifferential -fuzztime=200x
func FuzzDifferential(f *testing.F) {
	gittest.Isolate(f)
	remote, err := NewRemote(filepath.Join(f.TempDir(), "upstream.git"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint64(1), uint32(Ignore|Backdate))
	f.Add(uint64(2), uint32(AllFeatures))
	f.Add(uint64(3), uint32(Upstream|Skew|Backdate))
	f.Fuzz(func(t *testing.T, seed uint64, features uint32) {
		// The seed corpus runs as parallel tests (each input builds its
		// own repository and only reads the shared remote); while
		// fuzzing Parallel has no effect.
		t.Parallel()
		o := runCase(t.TempDir(), remote, seed, Features(features))
		for _, d := range o.known {
			t.Logf("known: %s", d)
		}
		report(t, o)
	})
}
