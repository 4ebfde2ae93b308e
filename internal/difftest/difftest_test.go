package difftest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
	"github.com/mgit-dev/mgit/engine/git/quickstatus"
)

// Cost: about 0.2 s of CPU per repository, almost all of it in git
// processes (building it, asking git; the three readers are a tenth),
// measured 2026-12-02 under load ~35: 200 repositories took 15+27 s CPU
// with or without the race detector. The full tier's 2,000 take some
// 200 s of an idle 2-core machine: CPU-bound, with the workers below
// keeping both cores busy. The quick tier's 20 take a few seconds.
//
// Running it longer:
//
//	go test ./internal/difftest -run TestDifferential -difftest.n=20000
//	MGIT_DIFFTEST_N=20000 go test ./internal/difftest -run TestDifferential
//
// One case again, with its repository kept for a look:
//
//	go test ./internal/difftest -run TestDifferential -difftest.seed=123 -difftest.n=1 \
//	    -difftest.features=ignore+backdate -difftest.keep
//
// Fuzzing (bounded by count, never by time: see FACTS.md):
//
//	go test ./internal/difftest -run '^$' -fuzz FuzzDifferential -fuzztime=200x
var (
	flagN        = flag.Int("difftest.n", 0, "repositories to generate (default 20, 2000 with MGIT_TEST_FULL=1, 8 with -short, or $MGIT_DIFFTEST_N)")
	flagSeed     = flag.Uint64("difftest.seed", 1, "first seed")
	flagFeatures = flag.String("difftest.features", "", "build every repository with these features (e.g. ignore+backdate) instead of drawing them from the seed")
	flagKeep     = flag.Bool("difftest.keep", false, "keep every generated repository (under $TMPDIR/difftest-*) for a look")
)

// caseCount is how many repositories TestDifferential generates: a flag
// or MGIT_DIFFTEST_N wins; otherwise gittest.Sample's tier. The quick 20
// keep `go test -race ./...` a loop to run after each change: the readers
// compare one repository at a time, so the detector finds nothing more in
// repository 2,000 than in repository 20. The full 2,000 (issue 10 asks
// for at least 2,000 generated repositories per .ci/run) run in .ci/run's
// MGIT_TEST_FULL=1 step, without the detector; only a run of 500 or more
// must cover every feature and reader (requireCoverage).
func caseCount(t *testing.T) int {
	if *flagN > 0 {
		return *flagN
	}
	if v := os.Getenv("MGIT_DIFFTEST_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("MGIT_DIFFTEST_N=%q: want a positive number", v)
		}
		return n
	}
	return gittest.Sample(2000, 20, 8)
}

// reader is one way mgit reads a repository's status, with the errors it
// may answer instead of a status: never a wrong status.
type reader struct {
	name    string
	status  func(ctx context.Context, dir string) (git.Status, error)
	decline func(r *Repo, err error) bool
}

func readers() []reader {
	return []reader{
		{"quickstatus", func(_ context.Context, dir string) (git.Status, error) { return quickstatus.Read(dir) },
			func(_ *Repo, err error) bool { return errors.Is(err, quickstatus.ErrSlowPath) }},
		{"cli", cli.New().Status, func(*Repo, error) bool { return false }},
		{"go-git", gogit.New().Status, func(r *Repo, err error) bool {
			// FACTS.md: go-git cannot open split-index or worktreeConfig
			// (sparse checkout) repositories; it must say so.
			return errors.Is(err, git.ErrUnsupported) && r.Features&(SplitIndex|Sparse) != 0
		}},
	}
}

// outcome is what one case found.
type outcome struct {
	repo     *Repo
	diffs    []Diff // not allowed: failures
	known    []Diff // allowed by KnownDisagreements
	declined map[string]bool
	err      error // the harness could not build or ask git
	explain  string
	took     map[string]time.Duration // "build", "git", and each reader
}

// runCase builds one repository under root and compares every reader
// with git.
func runCase(root string, remote *Remote, seed uint64, f Features) outcome {
	o := outcome{declined: map[string]bool{}, took: map[string]time.Duration{}}
	start := time.Now()
	r, err := Build(root, remote, seed, f)
	o.repo, o.took["build"] = r, time.Since(start)
	if err != nil {
		o.err = err
		return o
	}
	return check(r, o, readers())
}

// check compares every reader with git on the built repository r.
func check(r *Repo, o outcome, rds []reader) outcome {
	seed := r.Seed
	o.repo = r
	start := time.Now()
	truth, err := Ask(r)
	o.took["git"] = time.Since(start)
	if err != nil {
		o.err = fmt.Errorf("ask git (seed %d, %s): %w", seed, r.Features, err)
		return o
	}
	known := KnownDisagreements()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, rd := range rds {
		start := time.Now()
		st, err := rd.status(ctx, r.Dir)
		o.took[rd.name] = time.Since(start)
		var diffs []Diff
		switch {
		case err != nil && rd.decline(r, err):
			o.declined[rd.name] = true
			continue
		case err != nil:
			diffs = []Diff{{Reader: rd.name, Field: "error", Git: "a status", Got: err.Error()}}
		default:
			diffs = Compare(rd.name, truth.Status, st)
		}
		allowed, failed := Split(known, r, diffs)
		o.known = append(o.known, allowed...)
		o.diffs = append(o.diffs, failed...)
	}
	if len(o.diffs) > 0 {
		o.explain = fmt.Sprintf("git's untracked: %q\ncheck-ignore of the generated untracked paths:\n%s", truth.Untracked, ExplainIgnores(r))
	}
	return o
}

// report fails t with everything needed to reproduce o.
func report(t *testing.T, o outcome) {
	t.Helper()
	if o.err != nil {
		t.Errorf("%v", o.err)
		return
	}
	if len(o.diffs) == 0 {
		return
	}
	msg := fmt.Sprintf("seed %d features %s (fuzz input: uint64(%d) uint32(%d)) in %s:\n", o.repo.Seed, o.repo.Features, o.repo.Seed, uint32(o.repo.Features), o.repo.Dir)
	for _, d := range o.diffs {
		msg += "  " + d.String() + "\n"
	}
	t.Errorf("%s%s", msg, o.explain)
}

// seeded is a worker's outcome for one seed.
type seeded struct {
	seed uint64
	o    outcome
}

// inSeedOrder calls fn for each result in seed order, from first on,
// holding back the results that arrive before their turn, so that a run's
// output does not depend on which worker finished first.
func inSeedOrder(first uint64, results <-chan seeded, fn func(outcome)) {
	pending := map[uint64]outcome{}
	next := first
	for r := range results {
		pending[r.seed] = r.o
		for o, ok := pending[next]; ok; o, ok = pending[next] {
			fn(o)
			delete(pending, next)
			next++
		}
	}
	for _, seed := range slices.Sorted(maps.Keys(pending)) { // only if a seed went missing
		fn(pending[seed])
	}
}

// TestDifferential generates caseCount repositories (seeds from
// -difftest.seed on) and fails on any disagreement with git that
// KnownDisagreements does not list.
func TestDifferential(t *testing.T) {
	gittest.Isolate(t)
	n := caseCount(t)
	base := t.TempDir()
	if *flagKeep {
		var err error
		if base, err = os.MkdirTemp("", "difftest-"); err != nil {
			t.Fatal(err)
		}
	}
	var only Features
	if *flagFeatures != "" {
		var err error
		if only, err = ParseFeatures(*flagFeatures); err != nil {
			t.Fatal(err)
		}
	}
	const perRemote = 100
	// Two workers a core, at least four: much of the time is spent
	// waiting for git processes, so a 2-core machine still gains from
	// more than two (eight gained nothing more on a loaded machine), and
	// a bigger CI machine uses all its cores. Failures are reported in
	// seed order whatever order the workers finish in, each naming its
	// seed.
	workers := max(4, 2*runtime.GOMAXPROCS(0))
	seeds := make(chan uint64)
	results := make(chan seeded)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var remote *Remote
			for seed := range seeds {
				idx := seed - *flagSeed
				if remote == nil || idx%perRemote == 0 {
					var err error
					if remote, err = NewRemote(filepath.Join(base, fmt.Sprintf("remote-%d-%d", w, idx), "upstream.git")); err != nil {
						results <- seeded{seed, outcome{err: fmt.Errorf("seed %d: %w", seed, err)}}
						continue
					}
				}
				f := FeaturesFor(seed)
				if only != 0 {
					f = only
				}
				root := filepath.Join(base, strconv.FormatUint(seed, 10))
				o := runCase(root, remote, seed, f)
				if !*flagKeep {
					_ = os.RemoveAll(root)
				}
				results <- seeded{seed, o}
			}
		})
	}
	go func() {
		for i := range n {
			seeds <- *flagSeed + uint64(i)
		}
		close(seeds)
		wg.Wait()
		close(results)
	}()
	start := time.Now()
	s := newSummary()
	inSeedOrder(*flagSeed, results, func(o outcome) {
		s.add(o)
		report(t, o)
	})
	s.log(t, n, time.Since(start))
	if *flagKeep {
		t.Logf("kept the repositories under %s", base)
	}
	if n >= 500 {
		s.requireCoverage(t)
	}
}
