// Package gittest holds helpers for tests that need real git repositories:
// an isolated git configuration, a runner for the git CLI, fixture builders
// (init, commit, clone, push) and Server, a real smart-HTTP git server on
// 127.0.0.1 (git http-backend behind net/http/cgi) with basic auth and
// failure injection (dropped connections, 500/429 answers, stalled requests),
// and the manners of a far, busy host: a delay before every answer and a
// 429 above a number of concurrent requests (limits.go).
//
// It is a normal package, not a _test file, so that the conformance suite,
// the backends, the engine and the end-to-end tests share one server and one
// set of fixtures. Every helper takes a testing.TB and fails the test itself,
// which keeps the tests that use it short.
package gittest
