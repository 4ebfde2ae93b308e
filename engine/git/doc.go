// Package git is mgit's view of one git repository: the Backend interface that
// every operation goes through, the Status it reports, and the sentinel errors
// that git's failures are classified into.
//
// Two implementations live in sub-packages: cli runs the git binary, gogit runs
// go-git in-process (the distroless container has no git binary). Both must
// pass the shared suite in the conformance package, so the engine never needs
// to know which one it is talking to.
package git
