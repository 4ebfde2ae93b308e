//go:build race

package difftest

// Under the race detector the harness generates fewer repositories by
// default: it compares readers one repository at a time, so the detector
// finds nothing more in case 2,000 than in case 200, and it made this one
// package set the suite's time (330–430 s). .ci/run runs the full 2,000
// without the detector.
const raceEnabled = true
