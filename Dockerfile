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
ARG GO_IMAGE=golang:1.27.3-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/static-debian12:nonroot

# The builder runs on the build machine's platform and cross-compiles, which
# is much faster than building arm64 under QEMU.
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
# The toolchain the project builds with (as .ci/run and the README say); the
# golang image's own GOTOOLCHAIN=local would otherwise keep an older image's Go.
ENV GOTOOLCHAIN=go1.27.3
WORKDIR /src
# Module downloads are cached in a layer of their own: a source change does
# not re-download the dependencies.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# No defaults: BuildKit sets both from --platform, and a declared default
# would win over that value (an amd64 binary in the arm64 image).
# deploycheck's linter refuses a default in any stage.
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# app.buildVersion and app.buildCommit are what `mgit version` and
# mgit_build_info report; buildDate is stamped for when the app reads it
# (the linker ignores -X for variables that do not exist).
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS="$TARGETOS" GOARCH="$TARGETARCH" \
    go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/mgit-dev/mgit/app.buildVersion=${VERSION} -X github.com/mgit-dev/mgit/app.buildCommit=${COMMIT} -X github.com/mgit-dev/mgit/app.buildDate=${DATE}" \
      -o /out/mgit . \
 && mkdir -p /out/data/repos /out/data/cache /out/data/state /out/data/config /out/data/home \
 && chmod -R g=u /out/data
# The man pages, made by `mgit man` from the command definitions that
# --help prints. The binary above may be of another platform, so a build
# for this machine writes them. distroless has no man to read them: they
# are in the image for `docker cp`, and `mgit man DIR` writes the same
# pages into a mounted directory.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go run -trimpath -buildvcs=false \
      -ldflags "-X github.com/mgit-dev/mgit/app.buildVersion=${VERSION}" . man /out/man >/dev/null

# The binary alone, for checking each platform's architecture
# (docker-publish.yml: --target binary --output type=local).
FROM scratch AS binary
COPY --from=build /out/mgit /mgit

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
COPY --from=build /out/man /usr/share/man/man1
# /data is the one writable place: repositories, cache, state, config, HOME.
# Created here owned by the nonroot user so that a fresh named volume
# inherits the ownership, and group 0 with the owner's rights so that
# platforms running containers under an arbitrary UID in group 0
# (OpenShift) can write it too.
COPY --from=build --chown=65532:0 /out/data /data

# Every XDG directory points into /data: with a read-only root nothing else
# is writable (/tmp is a tmpfs in compose and an emptyDir in the Helm chart).
ENV HOME=/data/home \
    XDG_CONFIG_HOME=/data/config \
    XDG_CACHE_HOME=/data/cache \
    XDG_STATE_HOME=/data/state \
    TMPDIR=/tmp \
    MGIT_LOG_LEVEL=info \
    MGIT_METRICS_ADDR=0.0.0.0:9090

USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
EXPOSE 9090

# Liveness through mgit itself (the image has no curl): /healthz, which
# turns 503 when the sync loop stops making progress. `mgit health` probes
# $MGIT_METRICS_ADDR, the address sync listens on, so a container started
# with another MGIT_METRICS_ADDR stays healthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/mgit", "health"]

ENTRYPOINT ["/mgit"]
# By default: every repository the token can see ("*": every organisation),
# into /data/repos, every 15 minutes, with /metrics, /healthz and /readyz on
# $MGIT_METRICS_ADDR. No config file is needed: MGIT_PROVIDER (github,
# gitlab, ...), MGIT_PROVIDER_URL for a self-hosted server, and the token
# (GITHUB_TOKEN, MGIT_TOKEN_<KIND>, ...) come from the environment. Give your
# own query by replacing the command: `docker run … IMAGE sync 'my-org/*' …`.
CMD ["sync", "*", "--no-tui", "--dir", "/data/repos", "--interval", "15m"]
