// Package app is mgit's command line, shaped like gh's: a Factory
// (factory.go) holds what one invocation's commands share — the IO
// streams and environment, the global flags, the configuration and
// credential store, the git backend choice, the log sinks and telemetry,
// the costly parts built when first asked for — and each command is a
// file with an Options struct, a NewCmdX(f, runF) constructor and an xRun
// function (status.go, fetch.go, pull.go, clone.go, checkout.go, list.go,
// login.go, logout.go, configcmd.go, clean.go, health.go, version.go; the
// dashboard is the root command's, dashboard.go).
//
// It owns no domain logic. Plans are built from the workspace on disk
// (engine/workspace) or from clone URLs, run by the engine, and shown by the
// headless presenter. Exit codes are decided here: a run's from the
// engine's Summary (runExitCode), usage or configuration errors always 2.
// The concrete git backends are chosen here too (ChooseBackend), so the
// engine only ever receives a git.Backend. main.go only calls Main.
package app
