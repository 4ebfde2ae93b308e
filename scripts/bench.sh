#!/usr/bin/env bash
# Builds mgit and compares it with a plain `xargs -P8 git` loop; see
# scripts/bench/doc.go. Extra arguments go to the bench command
# (e.g. -runs 5 -only status -backends cli).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
CGO_ENABLED=0 go build -trimpath -o "$bin/mgit" .
go run ./scripts/bench -mgit "$bin/mgit" "$@"
