#!/usr/bin/env bash
# Deployment checks, called from .ci/run. CI has no Docker engine and cannot
# pull base images, so each artefact is checked by the strongest means there
# is (see scripts/ci/deploycheck/doc.go):
#   - actionlint on every workflow, shellcheck on every shell script;
#   - a type-check of every package for the other platforms mgit ships
#     for (scripts/ci/crosscheck; cheaper than compiling them);
#   - the Go checks with MGIT_DEPLOY_CHECKS=1: Dockerfile lint, compose and
#     workflow structure, the Helm chart rendered with every values file,
#     deploy.sh/rollback.sh against recording stubs, and the distroless
#     simulation (static binary as uid 65532 in a read-only chroot; root),
#     and the binary's budget (stripped ≤ 18 MiB, ≤ 300 packages).
# Installs what it needs: shellcheck (Debian), actionlint and helm (Go
# module proxy; helm takes ~4-8 minutes to build the first time, and is
# skipped when a helm of the pinned version is already on PATH).
set -euo pipefail
cd "$(dirname "$0")/../.."
# The project's toolchain (as .ci/run exports it), also when run alone.
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

actionlint_version=v1.7.12
helm_version=v3.22.0

step() { printf '\n== deploy-checks: %s  [%s]\n' "$*" "$(date -u +%H:%M:%S)"; }

# --prefetch (from .ci/run, in the background): download the pinned tools'
# modules and stop; `go install -n` resolves and downloads, builds nothing.
if [ "${1:-}" = --prefetch ]; then
    go install -n "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version" >/dev/null
    go install -n "helm.sh/helm/v3/cmd/helm@$helm_version" >/dev/null
    exit 0
fi

gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if ! command -v shellcheck >/dev/null; then
    step "installing shellcheck"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq shellcheck >/dev/null
fi
if [ "$(actionlint -version 2>/dev/null | head -n1)" != "$actionlint_version" ]; then
    step "installing actionlint $actionlint_version"
    go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version"
fi
# A release binary (GitHub CI installs one) reports the full version; a helm
# built by go install only major.minor (no release ldflags). Either is the
# pinned helm, and then nothing is built.
if ! helm version --template '{{.Version}}' 2>/dev/null | grep -qxF -e "$helm_version" -e "${helm_version%.*}"; then
    step "installing helm $helm_version (built from source: takes a few minutes)"
    start=$SECONDS
    # Helm and Kubernetes' packages unoptimised (-N -l): the gate runs helm
    # a few times on one small chart, so the compiler's optimisation passes
    # over its hundreds of packages cost more than they save. The
    # standard library keeps its flags and so its compiled packages from
    # the earlier steps.
    go install -gcflags='k8s.io/...=-N -l' -gcflags='sigs.k8s.io/...=-N -l' \
        -gcflags='helm.sh/...=-N -l' "helm.sh/helm/v3/cmd/helm@$helm_version"
    echo "helm built in $((SECONDS - start))s"
fi

step "actionlint"
actionlint

step "shellcheck"
mapfile -t scripts < <(find . -path ./.git -prune -o -type f -name '*.sh' -print | sort)
shellcheck .ci/run "${scripts[@]}"
echo "checked .ci/run ${scripts[*]}"

# The operating systems whose own source files (build tags, *_windows.go,
# *_unix.go) this machine's build never compiles. Not linux/arm64: the
# module has no architecture-specific source, so it would compile the same
# files as linux/amd64; the release builds it and docker-publish.yml checks
# each platform's binary architecture (scripts/ci/check-arch.sh).
# Type-checked from source (scripts/ci/crosscheck: go list's file set for
# the platform, go/types over it), not compiled: two cold cross builds cost
# about 190 s of a fresh machine's run to learn the same (issue 12).
step "cross-check: type-check for darwin/arm64, windows/amd64"
go run ./scripts/ci/crosscheck -platforms darwin/arm64,windows/amd64 ./...

step "Dockerfile, compose, workflows, Helm chart, deploy scripts, distroless simulation"
# -count=1: helm and the scripts read files go test's cache does not track.
# The race detector needs cgo, and the tests find the repository through
# their source file's path, which -trimpath would make relative: the
# default flags here, whatever .ci/run exported for the other steps.
MGIT_DEPLOY_CHECKS=1 CGO_ENABLED=1 GOFLAGS='' go test -race -count=1 ./scripts/ci/deploycheck/
