package difftest

import "slices"

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
func KnownDisagreements() []Known {
	return []Known{}
}

// Allowed returns the entry that tolerates d in r, if any.
func Allowed(known []Known, r *Repo, d Diff) (Known, bool) {
	for _, k := range known {
		if k.Reader == d.Reader && r.Features.Has(k.Feature) && slices.Contains(k.Fields, d.Field) && (k.When == nil || k.When(d)) {
			return k, true
		}
	}
	return Known{}, false
}
