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

# The test suite, as in the README (needs a C compiler for -race).
test:
    go test -race ./...

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
