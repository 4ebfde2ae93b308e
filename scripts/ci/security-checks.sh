#!/usr/bin/env bash
# Security checks CI runs after the tests (see SECURITY.md):
#   1. govulncheck against the Go vulnerability database, offline: the
#      database published as the golang.org/x/vulndb module, indexed
#      locally (CI has no route to vuln.go.dev). Findings must be fixed or
#      listed, with a reason, in scripts/ci/govulncheck-allow.txt (only
#      findings whose fix cannot be taken yet; empty since go1.27.3).
#   2. golangci-lint with gosec (.golangci.yml). Building it takes ~100 s
#      once per machine; under CI it is always built when missing, locally
#      only with MGIT_CI_LINT=1.
#   3. a short run of every fuzz target (20,000 inputs each) on top of its
#      committed corpus. Bounded by count, never by time: Go 1.26's fuzz
#      coordinator can fail a time-bounded run (10 s) with
#      "context deadline exceeded" and no reproducer, which made the
#      landing gate flake. The seed corpora also run as ordinary tests in
#      `go test ./...`.
# Budget: about 2 minutes without the golangci-lint build, ~4 with it.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The project's toolchain (as .ci/run exports it), also when run alone.
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

# The version the offline recipe below was verified with (no finding with
# go1.27.3 and x/net v0.60.0); .github/workflows/ci.yml runs this script,
# so this is the only pin.
govulncheck_version=v1.9.0
golangci_version=v2.15.0
# The vulnerability database the allow-list was reviewed against. "latest"
# would make the gate fail on the day a new finding is published, for a
# change that did not cause it; raise this pin on purpose, with a review.
vulndb_version="${MGIT_VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}"
# --prefetch (from .ci/run, in the background): download the pinned tools'
# modules and the database and stop; `go install -n` builds nothing.
if [ "${1:-}" = --prefetch ]; then
    go install -n "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version" >/dev/null
    go mod download "golang.org/x/vulndb@$vulndb_version"
    if [ "${CI:-}" = true ] || [ "${MGIT_CI_LINT:-0}" = 1 ]; then
        go install -n "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$golangci_version" >/dev/null
    fi
    exit 0
fi
gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"
step() { printf '\n== %s  [%s]\n' "$*" "$(date -u +%H:%M:%S)"; }
# built_here TOOL: TOOL is installed and was built by the Go in use; an
# analyser compiled with an older Go cannot read a newer standard library.
built_here() {
    local p
    p="$(command -v "$1")" || return 1
    [ "$(go version "$p" 2>/dev/null | awk '{print $2}')" = "$(go env GOVERSION)" ]
}

# --- 1. govulncheck, offline -------------------------------------------
step "govulncheck (offline database)"
# Reinstall unless the installed scanner is the pinned one: another version
# can report a different set of findings than the reviewed allow-list.
if ! govulncheck -version 2>/dev/null | grep -qxF "Scanner: govulncheck@$govulncheck_version" || ! built_here govulncheck; then
    go install "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version"
fi
dbdir="${MGIT_VULNDB_DIR:-}"
if [ -z "$dbdir" ]; then
    vulndb="$(go mod download -json "golang.org/x/vulndb@$vulndb_version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    [ -n "$vulndb" ] || { echo "security-checks: cannot download golang.org/x/vulndb" >&2; exit 1; }
    dbdir="$(mktemp -d)"
    trap 'rm -rf "$dbdir"' EXIT
    (cd "$vulndb" && go run ./cmd/indexdb -vulns "$vulndb/data/osv" -out "$dbdir")
fi
report="$(mktemp)"
set +e
govulncheck -db "file://$dbdir" -format text ./... >"$report" 2>&1
rc=$?
set -e
allow="scripts/ci/govulncheck-allow.txt"
found="$(grep -oE 'GO-[0-9]{4}-[0-9]+' "$report" | sort -u || true)"
bad=""
for id in $found; do
    if ! grep -qE "^${id}[[:space:]]" "$allow"; then
        bad="$bad $id"
    fi
done
for id in $(grep -oE '^GO-[0-9]{4}-[0-9]+' "$allow" || true); do
    echo "$found" | grep -qx "$id" || echo "warning: $id is allowed but no longer found; remove it from $allow"
done
if [ -n "$bad" ]; then
    cat "$report"
    echo "security-checks: govulncheck findings not in $allow:$bad" >&2
    exit 1
fi
if [ "$rc" -ne 0 ] && [ -z "$found" ]; then
    cat "$report"
    echo "security-checks: govulncheck failed" >&2
    exit 1
fi
echo "govulncheck: $(echo "$found" | grep -c . || true) finding(s), all reviewed in $allow"

# --- 2. golangci-lint with gosec -----------------------------------------
step "golangci-lint (gosec)"
if ! built_here golangci-lint && { [ "${CI:-}" = true ] || [ "${MGIT_CI_LINT:-0}" = 1 ]; }; then
    go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$golangci_version"
fi
if built_here golangci-lint; then
    # Another golangci-lint on the machine (an editor, a second checkout's
    # CI) otherwise fails this step at once: "parallel golangci-lint is
    # running" (it holds a lock in the temporary directory).
    golangci-lint run --allow-parallel-runners ./...
else
    echo "golangci-lint not installed (or built by another Go): skipped (MGIT_CI_LINT=1 builds it, ~100 s)"
fi

# --- 3. fuzz targets -------------------------------------------------------
step "fuzz (20,000 inputs each; the differential harness 200)"
# A real crasher fails the step and shows its input: go test writes it to
# testdata/fuzz/<target>/ in the package, and we print that file so the log
# alone reproduces it (commit it as a regression seed). "repos" as the third
# argument is for targets whose every input builds a git repository.
fuzz() {
    local pkg=$1 target=$2 dir="$1/testdata/fuzz/$2" before after budget=-fuzztime=20000x
    [ "${3:-}" = repos ] && budget=-fuzztime=200x
    before="$(find "$dir" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | sort || true)"
    if ! go test -run='^$' -fuzz="^$target\$" "$budget" "$pkg"; then
        after="$(find "$dir" -maxdepth 1 -type f -printf '%f\n' 2>/dev/null | sort || true)"
        for f in $(comm -13 <(echo "$before") <(echo "$after")); do
            echo "security-checks: $target crasher $dir/$f:" >&2
            cat "$dir/$f" >&2
        done
        exit 1
    fi
}
fuzz ./engine/provider FuzzParseQuery
fuzz ./engine/workspace FuzzProviderDestination
fuzz ./secure FuzzRedact
fuzz ./engine/git/cli FuzzParseStatus
fuzz ./engine/git/gitobj FuzzParseConfig
fuzz ./engine/git/gitobj FuzzIgnore
# The differential harness (issue 10): each input generates a repository and
# compares every status field of quickstatus and both backends with git's.
fuzz ./internal/difftest FuzzDifferential repos
