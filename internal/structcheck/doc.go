// Package structcheck holds the test that keeps the module inside the size
// budget of issue 14: no production function over 80 lines (tables, that
// is composite literals, aside), no production file over 500 lines, no
// type with more than 25 methods in its method set (methods promoted
// through embedded fields count: the type's reader sees them). It has no
// production code; the budget is checked by `go test ./internal/structcheck/`.
//
// It also keeps the test tiers honest (TestFullTierRunsInCI): a test that
// runs fewer cases by default through gittest.Sample or gittest.Full must
// be run at full size by a MGIT_TEST_FULL=1 line of .ci/run.
package structcheck
