// Package deploycheck checks the deployment artefacts — Dockerfile, compose
// file, workflows, Helm chart, deploy scripts — by the strongest means a CI
// machine without a Docker engine has. It owns a small Dockerfile parser and
// linter (hadolint is not packaged for Debian), and its tests:
//
//   - lint the Dockerfile and prove the linter catches what it should;
//   - check docker-compose.yml and the workflows' structure and pinning;
//   - render the Helm chart with several values files and check the result
//     (needs helm; scripts/ci/deploy-checks.sh installs it);
//   - run scripts/deploy.sh and scripts/rollback.sh against stub helm,
//     kubectl, docker and curl that record their calls;
//   - run the static binary as uid 65532 in a read-only chroot holding only
//     the binary, CA certificates and /etc/passwd — the distroless
//     simulation (needs root and unshare).
//   - build the stripped release binary and hold it to its budget: 18 MiB,
//     300 non-standard packages, no reflect call that disables the linker's
//     dead-method elimination (binsize_test.go).
//   - on a real Docker engine, TestDockerImage runs the image
//     scripts/ci/docker-e2e.sh built (MGIT_E2E_IMAGE): user, version, man
//     pages, HEALTHCHECK, `sync --once` from the environment alone, and
//     `docker compose up --wait`. It skips without MGIT_E2E_IMAGE; .ci/run
//     never sets it, so CI needs no engine.
//
// The tests that need tools or root skip unless MGIT_DEPLOY_CHECKS=1, which
// deploy-checks.sh sets, so `go test ./...` stays fast and runs them once.
package deploycheck
