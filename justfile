# mgit tasks. `just` is not packaged for Debian 12: `npm install -g rust-just`.

module := "github.com/mgit-dev/mgit"

# The toolchain CI and releases build with (go.mod's toolchain line, which a
# Go with GOTOOLCHAIN=local would ignore).
export GOTOOLCHAIN := "go1.27.3"
version := `git describe --tags --always --dirty 2>/dev/null || echo dev`

# List the recipes.
default:
    @just --list

# Static binary ./mgit with the version stamped in.
build:
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X {{module}}/app.buildVersion={{version}} -X {{module}}/app.buildCommit=`git rev-parse HEAD 2>/dev/null || true`" -o mgit .

# Run mgit from source, e.g. `just run status --all ~/src`.
run *args:
    go run . {{args}}

# The test suite, as in the README (needs a C compiler for -race): each
# package's line as soon as it finishes. `go test ./...` prints in package
# order, so it was silent for minutes behind a slow package. One `go test`
# per package, as many at a time as `go test ./...` runs (-p, the number of
# CPUs); `go build -race ./...` first, so they do not compile the shared
# packages twice; the slowest first. ARGS go to every `go test`, e.g.
# `just test -short`.
test *args:
    #!/usr/bin/env bash
    set -euo pipefail
    start=$SECONDS
    go build -race ./...
    # The slowest packages first, so that none of them is left running alone
    # at the end (go list keeps this order and drops the repeats).
    go list ./internal/difftest ./engine/git/gogit ./app ./engine/git/gitobj ./... |
        xargs -P "$(nproc)" -I{} go test -race {{args}} {}
    echo "all packages passed in $((SECONDS - start)) s"

# gofmt check, go vet and staticcheck (installed by .ci/run).
lint:
    #!/usr/bin/env bash
    set -euo pipefail
    unformatted="$(gofmt -l .)"
    if [ -n "$unformatted" ]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi
    go vet ./...
    PATH="$(go env GOPATH)/bin:$PATH" staticcheck ./...

# Regenerate docs/dashboard.png, the README's picture of the dashboard,
# from a real run of the binary on a generated workspace (scripts/screenshot).
screenshot: build
    go run ./scripts/screenshot -bin ./mgit -out docs/dashboard.png

# Compare mgit with a plain `xargs -P8 git` loop (see scripts/bench.sh).
bench *args:
    scripts/bench.sh {{args}}
