package difftest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// summary counts what a run covered, so that a run that silently stopped
// exercising something (every repository declined by quickstatus, a
// feature never built) is noticed.
type summary struct {
	cases    int
	features map[Features]int
	answered map[string]int // reader → cases it answered (not declined)
	declined map[string]int
	known    map[string]int    // "reader field" → count
	example  map[string]string // "reader field" → one case that shows it
	took     map[string]time.Duration
}

func newSummary() *summary {
	return &summary{features: map[Features]int{}, answered: map[string]int{}, declined: map[string]int{}, known: map[string]int{}, example: map[string]string{}, took: map[string]time.Duration{}}
}

func (s *summary) add(o outcome) {
	if o.repo == nil || o.err != nil {
		return
	}
	s.cases++
	for k, d := range o.took {
		s.took[k] += d
	}
	for i := range numFeatures {
		if f := Features(1 << i); o.repo.Features.Has(f) {
			s.features[f]++
		}
	}
	for _, rd := range []string{"quickstatus", "cli", "go-git"} {
		if o.declined[rd] {
			s.declined[rd]++
		} else {
			s.answered[rd]++
		}
	}
	for _, d := range o.known {
		k := d.Reader + " " + d.Field
		if more(d) {
			k += " (more than git)"
		} else if fewer(d) {
			k += " (fewer than git)"
		}
		s.known[k]++
		if _, ok := s.example[k]; !ok {
			s.example[k] = fmt.Sprintf("seed %d features %s (%s)", o.repo.Seed, o.repo.Features, d)
		}
	}
}

func (s *summary) log(t *testing.T, n int, took time.Duration) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d repositories compared in %v (%v each)\n", s.cases, n, took.Round(time.Millisecond), (took / time.Duration(max(n, 1))).Round(time.Microsecond))
	for _, rd := range []string{"quickstatus", "cli", "go-git"} {
		fmt.Fprintf(&b, "  %s answered %d, declined %d\n", rd, s.answered[rd], s.declined[rd])
	}
	for _, k := range slices.Sorted(maps.Keys(s.took)) {
		fmt.Fprintf(&b, "  %s: %v per repository\n", k, (s.took[k] / time.Duration(max(s.cases, 1))).Round(time.Microsecond))
	}
	for _, f := range slices.Sorted(maps.Keys(s.features)) {
		fmt.Fprintf(&b, "  feature %s: %d\n", f, s.features[f])
	}
	for _, k := range slices.Sorted(maps.Keys(s.known)) {
		fmt.Fprintf(&b, "  known disagreement %s: %d, e.g. %s\n", k, s.known[k], s.example[k])
	}
	t.Log(b.String())
}

// requireCoverage fails a run large enough to cover everything that did
// not: every feature built, and every reader answering some cases.
func (s *summary) requireCoverage(t *testing.T) {
	t.Helper()
	for i := range numFeatures {
		if f := Features(1 << i); s.features[f] == 0 {
			t.Errorf("no repository had feature %s", f)
		}
	}
	for _, rd := range []string{"quickstatus", "cli", "go-git"} {
		if s.answered[rd] == 0 {
			t.Errorf("%s never answered: the comparison proved nothing about it", rd)
		}
	}
}
