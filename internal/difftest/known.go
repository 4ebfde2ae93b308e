package difftest

import (
	"slices"
	"strconv"
)

// Known is a disagreement with git that is understood and waiting for its
// fix. The harness lets it pass so that the suite stays green meanwhile;
// the fix's author deletes the entry, and the harness then proves the fix.
// Keep entries tight: one reader, the feature that causes it, the fields
// it shows in, and When narrowing it to the observed values.
type Known struct {
	Reader  string
	Feature Features // the repository has all of these features
	Fields  []string
	Reason  string
	When    func(d Diff) bool // nil: any values
}

// KnownDisagreements lists the disagreements tolerated today. Each is also
// in KNOWN.md with a seed that reproduces it. Delete an entry when its fix
// lands; a stale entry is harmless but hides a regression.
//
// None is tolerated today: every reader agrees with git on every generated
// repository. An entry looks like
//
//	{Reader: "go-git", Feature: Renames, Fields: []string{"Staged"}, When: more, Reason: "…"}
func KnownDisagreements() []Known {
	return nil
}

// fewer and more compare the reader's number with git's.
func fewer(d Diff) bool { return number(d.Got) < number(d.Git) }
func more(d Diff) bool  { return number(d.Got) > number(d.Git) }

// number reads a count (-1 for anything else).
func number(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// derived fields are computed from the others (State, NeedsAttention):
// they disagree exactly when a field they depend on does.
var derived = []string{"State()", "NeedsAttention()"}

// Split separates one reader's diffs in r into those a Known entry
// tolerates and those that fail. A derived field is tolerated only
// alongside a tolerated field and no failing one, so that a known count
// error cannot hide a wrong state.
func Split(known []Known, r *Repo, diffs []Diff) (allowed, failed []Diff) {
	var derivedDiffs []Diff
	for _, d := range diffs {
		if slices.Contains(derived, d.Field) {
			derivedDiffs = append(derivedDiffs, d)
			continue
		}
		if _, ok := match(known, r, d); ok {
			allowed = append(allowed, d)
		} else {
			failed = append(failed, d)
		}
	}
	if len(allowed) > 0 && len(failed) == 0 {
		return append(allowed, derivedDiffs...), nil
	}
	return allowed, append(failed, derivedDiffs...)
}

// match returns the entry that tolerates d in r, if any.
func match(known []Known, r *Repo, d Diff) (Known, bool) {
	for _, k := range known {
		if k.Reader == d.Reader && r.Features.Has(k.Feature) && slices.Contains(k.Fields, d.Field) && (k.When == nil || k.When(d)) {
			return k, true
		}
	}
	return Known{}, false
}
