# syntax=docker/dockerfile:1.7
#
# mgit container image: `mgit sync` as a long-running, headless service.
#
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=v1.2.3 --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t mgit:v1.2.3 .
#
# The runtime has no shell, no git and no curl: mgit's go-git backend does the
# git work in-process (--git-backend auto picks it when git is absent) and the
# HEALTHCHECK is mgit itself. Everything mgit writes lives under /data, so the
# container runs with a read-only root filesystem. See
# docs/deployment/docker-guide.md.

# Pin the base images by tag; CI (docker-publish.yml) may pass digests, e.g.
# --build-arg RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot@sha256:…
ARG GO_IMAGE=golang:1.26.8-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

# The builder runs on the build machine's platform and cross-compiles, which
# is much faster than building arm64 under QEMU.
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
WORKDIR /src
# Module downloads are cached in a layer of their own: a source change does
# not re-download the dependencies.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH=amd64
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# app.buildVersion is the variable `mgit version` prints (app/commands.go).
# buildCommit and buildDate are stamped for when the app reads them; the
# linker ignores -X for variables that do not exist.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" \
    go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/mgit-dev/mgit/app.buildVersion=${VERSION} -X github.com/mgit-dev/mgit/app.buildCommit=${COMMIT} -X github.com/mgit-dev/mgit/app.buildDate=${DATE}" \
      -o /out/mgit . \
 && mkdir -p /out/data/repos /out/data/cache /out/data/state /out/data/config /out/data/home

FROM ${RUNTIME_IMAGE}
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
LABEL org.opencontainers.image.title="mgit" \
      org.opencontainers.image.description="mgit sync: mirror many git repositories, with Prometheus metrics and health endpoints" \
      org.opencontainers.image.source="https://github.com/mgit-dev/mgit" \
      org.opencontainers.image.url="https://github.com/mgit-dev/mgit" \
      org.opencontainers.image.documentation="https://github.com/mgit-dev/mgit/blob/main/docs/deployment/docker-guide.md" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.vendor="mgit-dev" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${DATE}"

COPY --from=build /out/mgit /mgit
# /data is the one writable place: repositories, cache, state, config, HOME.
# Created here owned by the nonroot user so that a fresh named volume
# inherits the ownership.
COPY --from=build --chown=65532:65532 /out/data /data

# Every XDG directory points into /data: with a read-only root nothing else
# is writable (/tmp is a tmpfs in compose and an emptyDir in the Helm chart).
ENV HOME=/data/home \
    XDG_CONFIG_HOME=/data/config \
    XDG_CACHE_HOME=/data/cache \
    XDG_STATE_HOME=/data/state \
    TMPDIR=/tmp \
    MGIT_LOG_LEVEL=info

USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9090

# Liveness through mgit itself (the image has no curl). /readyz stays 503
# until the first sync cycle completes, which can take long on a big
# organisation, so Docker's health is liveness; orchestrators gate traffic
# on /readyz (see the Helm chart's readinessProbe).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/mgit", "health", "--addr", "127.0.0.1:9090"]

ENTRYPOINT ["/mgit"]
# By default: every repository the configured tokens can see ("*": every
# org of every provider in the config), into /data/repos, every 15 minutes,
# with /metrics, /healthz and /readyz on :9090. Give your own query by
# replacing the command: `docker run … IMAGE sync 'my-org/*' --dir /data/repos …`.
CMD ["sync", "*", "--no-tui", "--dir", "/data/repos", "--interval", "15m", "--metrics-addr", "0.0.0.0:9090"]
