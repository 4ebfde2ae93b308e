// Package app is mgit's command line: the cobra command tree and the wiring
// from flags to dependencies (git backend, credentials, logger, engine) to a
// presenter, and from the presenter's result to the process exit code.
//
// It owns no domain logic. Plans are built from the workspace on disk
// (engine/workspace) or from clone URLs, run by the engine, and shown by the
// headless presenter; the exit code of a run comes from that presenter's
// result (engine.Summary.ExitCode), and usage or configuration errors always
// exit 2. main.go only calls Main.
package app
