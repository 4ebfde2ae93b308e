package gittest

import "testing"

// Sample is how many generated cases a differential test (mgit's code
// against the git CLI) checks: full normally, underRace under the race
// detector, short with -short. Such cases spend their time in git
// processes and in sequential code the detector only slows down; .ci/run
// runs the tests that use it once more without the detector, at full size,
// so the race run keeps every assertion on fewer seeds and no seed goes
// unchecked in CI.
func Sample(full, underRace, short int) int {
	switch {
	case testing.Short():
		return short
	case RaceEnabled:
		return underRace
	}
	return full
}
