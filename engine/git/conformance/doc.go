// Package conformance is the test suite every git.Backend must pass: the
// same cases, against real repositories in temporary directories and a real
// smart-HTTP server on 127.0.0.1 (gittest.Server), so that the engine never
// needs to know which backend it is talking to.
//
// A backend's package runs it from a _test file:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, func(*testing.T) git.Backend { return cli.New() },
//			conformance.Capabilities{Rebase: true})
//	}
//
// Cases assert exact field values (Status, PullResult) and classified errors
// (errors.Is with the git sentinels), not merely the absence of an error.
// The suite uses gittest.Isolate, so it must not run in parallel tests;
// with Capabilities.Parallel (the package's TestMain calls
// gittest.IsolateProcess) its cases run in parallel instead.
package conformance
