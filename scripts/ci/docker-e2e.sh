#!/usr/bin/env bash
# docker-e2e.sh [--local-bases]: the container image on a real Docker engine.
#
#   1. `docker build` of the Dockerfile, unmodified, for linux/amd64 (timed,
#      with the image's size);
#   2. go test -run TestDockerImage ./scripts/ci/deploycheck with that image:
#      non-root 65532, `mgit version`, the man pages, the HEALTHCHECK turning
#      healthy, `mgit sync --once` mirroring from a loopback smart-HTTP server
#      and fake Gitea API configured by the environment alone, and
#      `docker compose up --wait` of docker-compose.yml (with a host-network
#      override: see docker_e2e_test.go) becoming healthy.
#
# Run it as root (the test chowns bind-mounted volumes to 65532). Not part
# of .ci/run, which must run without Docker: run it by hand on a machine
# with an engine (DEPLOYMENT_CHECKLIST.md); CI's compose job runs it too.
# Without a reachable engine it says SKIPPED and exits 0.
#
# --local-bases makes the base images the Dockerfile and the compose file
# name when they are missing and no registry is reachable: golang and
# prometheus from `mmdebstrap --variant=minbase bookworm` (Go copied from
# the toolchain GOTOOLCHAIN downloads; Debian's prometheus package), and a
# distroless/static:nonroot stand-in (passwd, group, CA bundle, /tmp 1777,
# USER 65532). They are tagged with the real names, so the Dockerfile builds
# as it is; never push them.
set -euo pipefail
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"

docker=${DOCKER:-docker}
image=${MGIT_E2E_IMAGE:-mgit:e2e}
local_bases=false
case "${1:-}" in
    "") ;;
    --local-bases) local_bases=true ;;
    *) echo "usage: docker-e2e.sh [--local-bases]" >&2; exit 2 ;;
esac

step() { printf '\n== docker-e2e: %s\n' "$*"; }

if ! command -v "$docker" >/dev/null || ! "$docker" info >/dev/null 2>&1; then
    echo "docker-e2e: SKIPPED: no Docker engine reachable through '$docker' (set DOCKER=/path/to/docker)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "docker-e2e: run as root (sudo): the test chowns its bind-mounted volumes to 65532" >&2
    exit 1
fi

go_image=$(sed -n 's/^ARG GO_IMAGE=//p' Dockerfile)
runtime_image=$(sed -n 's/^ARG RUNTIME_IMAGE=//p' Dockerfile)
prom_image=$(sed -n 's/^ *image: \(prom\/prometheus:.*\)$/\1/p' docker-compose.yml)
have() { "$docker" image inspect "$1" >/dev/null 2>&1; }

# import_dir ROOTFS_DIR TAG CHANGE...: an image from a directory.
import_dir() {
    local dir=$1 tag=$2
    shift 2
    local changes=()
    for c in "$@"; do changes+=(--change "$c"); done
    tar -C "$dir" -c . | "$docker" import "${changes[@]}" - "$tag" >/dev/null
    echo "made $tag (stand-in)"
}

make_bases() {
    local work
    work=$(mktemp -d)
    # shellcheck disable=SC2064 # expand now: work is local
    trap "rm -rf '$work'" EXIT
    if ! have "$go_image"; then
        local goroot
        goroot=$(go env GOROOT)
        mkdir "$work/go"
        mmdebstrap --quiet --variant=minbase --include=ca-certificates bookworm "$work/go"
        mkdir -p "$work/go/usr/local" "$work/go/go"
        cp -a "$goroot" "$work/go/usr/local/go"
        # The host's CA bundle: a TLS-intercepting proxy's CA, if the host
        # trusts one, lets `go mod download` reach the module proxy.
        cp /etc/ssl/certs/ca-certificates.crt "$work/go/etc/ssl/certs/"
        import_dir "$work/go" "$go_image" \
            'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            'ENV GOPATH=/go' 'ENV GOTOOLCHAIN=local' 'WORKDIR /go'
    fi
    if ! have "$runtime_image"; then
        local d="$work/distroless"
        mkdir -p "$d/etc/ssl/certs" "$d/tmp" "$d/home/nonroot"
        chmod 1777 "$d/tmp"
        chown 65532:65532 "$d/home/nonroot"
        cp /etc/ssl/certs/ca-certificates.crt "$d/etc/ssl/certs/"
        printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$d/etc/passwd"
        printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$d/etc/group"
        import_dir "$d" "$runtime_image" 'USER 65532' 'WORKDIR /home/nonroot' \
            'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt'
    fi
    if [ -n "$prom_image" ] && ! have "$prom_image"; then
        mkdir "$work/prom"
        mmdebstrap --quiet --variant=minbase --include=prometheus \
            --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
            bookworm "$work/prom"
        mkdir -p "$work/prom/prometheus"
        chown 65534:65534 "$work/prom/prometheus"
        import_dir "$work/prom" "$prom_image" 'USER 65534' 'WORKDIR /prometheus' \
            'ENTRYPOINT ["/usr/bin/prometheus"]' \
            'CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]'
    fi
}

if $local_bases; then
    step "base images (local stand-ins where missing)"
    command -v mmdebstrap >/dev/null || { echo "docker-e2e: --local-bases needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }
    make_bases
fi

step "docker build --platform linux/amd64 -t $image ."
version=e2e-$(git rev-parse --short HEAD)
commit=$(git rev-parse HEAD)
# An engine started with --bridge=none has no default network for RUN
# steps: the build then uses the host's (go mod download needs one).
network=()
if ! "$docker" network inspect bridge >/dev/null 2>&1; then
    network=(--network host)
    echo "no bridge network on this engine: building with --network host"
fi
start=$SECONDS
DOCKER_BUILDKIT=1 "$docker" build "${network[@]}" --platform linux/amd64 \
    --build-arg VERSION="$version" --build-arg COMMIT="$commit" \
    --build-arg DATE="$(git log -1 --format=%cI)" -t "$image" .
size=$("$docker" image inspect -f '{{.Size}}' "$image")
echo "built $image in $((SECONDS - start))s; size $((size / 1024 / 1024)) MiB ($size bytes)"

step "the image on the engine (go test -run TestDockerImage)"
if ! "$docker" compose version >/dev/null 2>&1; then
    echo "docker-e2e: no 'docker compose' plugin: the compose part of the test is SKIPPED"
fi
MGIT_E2E_IMAGE="$image" MGIT_E2E_VERSION="$version" MGIT_E2E_COMMIT="$commit" DOCKER="$docker" \
    go test -count=1 -v -run '^TestDockerImage$' ./scripts/ci/deploycheck
