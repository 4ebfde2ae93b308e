// Command crosscheck type-checks the module for operating systems this
// machine's build never compiles (darwin, windows), from source, without
// compiling: the landing gate's cross-compile check (issue 12).
//
// `GOOS=windows go build ./...` compiles every package, standard library
// included, to machine code for each platform: about 95 s of CPU per
// platform on a fresh machine, all of it spent to learn whether the files
// only that platform selects (build tags, *_windows.go) type-check. This
// tool asks `go list -deps -test` for the platform's file set (the go
// command's own build-constraint and module resolution, so the files are
// exactly the ones go build would compile, test files included) and runs
// go/types over them in dependency order. The module's and its
// dependencies' packages are checked in full; the standard library, which
// the toolchain guarantees for its first-class ports, only for its
// declarations (function bodies skipped), since mgit's code can only see
// those.
//
// -test adds the module's test files; they are not portable today (several
// call syscall.Kill, Getrusage or read Stat_t fields that windows and darwin
// lack), so the gate checks what go build did: the packages without tests.
//
// What it does not do that go build did: generate code and link. The
// module has no assembly and no cgo in these builds (CGO_ENABLED=0), so the
// compiler could only add errors go/types does not know (missing assembly
// bodies, linker symbol errors), which the release workflow's per-platform
// builds still catch.
package main
