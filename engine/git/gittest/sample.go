package gittest

import (
	"os"
	"testing"
)

// FullEnv selects the full test tier: `MGIT_TEST_FULL=1 go test …`.
// .ci/run sets it for its second test step, which runs the tests that
// scale with it at full size without the race detector.
const FullEnv = "MGIT_TEST_FULL"

// Full reports whether the full tier was asked for.
func Full() bool { return os.Getenv(FullEnv) == "1" }

// Sample is how many generated cases (or repositories, or rounds) a test
// that scales checks: quick by default, full with MGIT_TEST_FULL=1, short
// with -short. Such tests spend their time in git processes and sequential
// code; the quick count keeps every assertion on fewer cases so that
// `go test -race ./...` stays a loop a developer runs after each change,
// and .ci/run runs the same tests once more at full size, so no case goes
// unchecked before a change lands (internal/structcheck's
// TestFullTierRunsInCI fails for a test that uses Sample but is missing
// from .ci/run's full step).
func Sample(full, quick, short int) int {
	switch {
	case Full():
		return full
	case testing.Short():
		return short
	}
	return quick
}
