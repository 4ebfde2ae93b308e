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
    # Temporary files on tmpfs when there is room (scripts/ci/testtmp.sh).
    . scripts/ci/testtmp.sh
    trap testtmp_done EXIT
    testtmp_use
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

# Issue 11's figures: the dashboard at 10,000 repositories with every row
# refreshing — a key's frame (median, 95th percentile; target median
# < 50 ms) and the process's peak RSS (target < 150 MiB). Two runs: the
# RSS run is alone in its process, so its peak is the dashboard's.
bench-dashboard:
    #!/usr/bin/env bash
    set -euo pipefail
    keys="$(go test ./ui/ -run '^$' -bench 'KeyDuringRefresh10000$' -benchtime 200x -count 1)"
    mem="$(go test ./ui/ -run '^$' -bench 'Memory10000$' -benchtime 1x -count 1)"
    metric() { awk -v unit="$2" '/^Benchmark/ { for (i = 3; i < NF; i++) if ($(i+1) == unit) print $i }' <<<"$1"; }
    p50="$(metric "$keys" ms/key-p50)"; p95="$(metric "$keys" ms/key-p95)"; cpu="$(metric "$keys" cpu-ms/key-p50)"
    batch="$(metric "$keys" ms/batch-p50)"
    rss="$(metric "$mem" MiB-peakRSS)"; heap="$(metric "$mem" MiB-heap)"
    verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { print (v != "" && v + 0 < lim) ? "ok" : "OVER" }'; }
    printf 'dashboard, 10,000 repositories, every row refreshing\n'
    printf '  key frame (Update+View)  median %s ms  p95 %s ms   target median < 50 ms: %s\n' "$p50" "$p95" "$(verdict "$p50" 50)"
    printf '  key frame CPU time       median %s ms (wall time includes waiting for a core)\n' "${cpu:-n/a}"
    printf '  event batch (200 rows)   median %s ms\n' "$batch"
    printf '  memory                   peak RSS %s MiB  heap %s MiB   target RSS < 150 MiB: %s\n' "${rss:-n/a}" "$heap" "$(verdict "${rss:-$heap}" 150)"
    [ "$(verdict "$p50" 50)" = ok ] && [ "$(verdict "${rss:-$heap}" 150)" = ok ]
