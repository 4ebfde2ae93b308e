package gitobj

import "testing"

// sample is how many generated cases a differential test (this package's
// code against the git CLI) checks: full normally, underRace under the race
// detector, short with -short. The cases are git processes and sequential
// parsing, which the detector only slows down; .ci/run runs these tests
// once more without it at full size, so the race run keeps every assertion
// on fewer seeds and no seed goes unchecked in CI.
func sample(full, underRace, short int) int {
	switch {
	case testing.Short():
		return short
	case raceEnabled:
		return underRace
	}
	return full
}
