// Package testbin builds the mgit binary for the end-to-end tests of the
// packages that drive it as a user would (app, ui and the root package).
//
// They all build it with the same flags, from this one function, because the
// Go build cache keys every compiled package by its flags: -trimpath or a
// different CGO_ENABLED in one of them compiled the whole dependency tree
// once more on a cold cache. The flags are the plain ones (no -trimpath,
// cgo as the machine's default), which the non-race `go test` runs of CI
// share too; only the version stamp is set, at link time, which no package's
// cache key includes.
package testbin
