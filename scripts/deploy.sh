#!/usr/bin/env bash
# Deploy mgit sync with Helm (Kubernetes) or Docker Compose, check that it is
# ready (Helm: rollout status and `mgit health --ready` in every pod;
# compose: /readyz), and roll back automatically when that check fails.
#
#   scripts/deploy.sh --target helm --env staging --version v1.4.0
#   scripts/deploy.sh --target compose --env local --version v1.4.0 --dry-run
#
# See docs/deployment/deployment-guide.md. Exit codes: 0 deployed and ready;
# 1 deploy or smoke test failed (rolled back unless --no-rollback; a failed
# image pull changes nothing); 2 usage
# or pre-flight error (nothing was changed).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

usage() {
    cat <<'EOF'
Usage: scripts/deploy.sh --target helm|compose --env ENV --version VERSION [options]

Options:
  --target helm|compose  where to deploy (required)
  --env ENV              environment: staging, production, or any name with
                         deploy/helm/mgit/env/ENV.yaml (helm) (required)
  --version VERSION      image tag to deploy, e.g. v1.4.0 (required)
  --namespace NS         Kubernetes namespace (default mgit-ENV)
  --release NAME         Helm release (default mgit)
  --values FILE          extra Helm values file (repeatable)
  --ready-url URL        check this /readyz URL instead of the pods (helm)
                         or http://127.0.0.1:9090/readyz (compose)
  --timeout DURATION     helm --timeout, e.g. 90s, 15m (default 15m; pods
                         are ready once providers and tokens resolve, long
                         before the first sync cycle ends)
  --no-smoke             skip the readiness check (cronjob/indexedJob modes)
  --no-rollback          leave a failed deployment in place for debugging
  --dry-run              run the pre-flight checks and print every command
                         that would change something, without running it
  -h, --help             this help

Environment: SMOKE_ATTEMPTS (default 30) and SMOKE_INTERVAL seconds
(default 10), whole numbers, for the readiness check; MGIT_DEPLOY_STATE_DIR for the compose
version history (default ${XDG_STATE_HOME:-~/.local/state}/mgit-deploy).
EOF
}

target="" env="" version="" namespace="" release="mgit" ready_url="" timeout="15m"
dry_run=0 smoke=1 rollback=1
values=()
while [ $# -gt 0 ]; do
    case "$1" in
    --target) need_value "$1" $# "${2:-}"; target="$2"; shift 2 ;;
    --env) need_value "$1" $# "${2:-}"; env="$2"; shift 2 ;;
    --version) need_value "$1" $# "${2:-}"; version="$2"; shift 2 ;;
    --namespace) need_value "$1" $# "${2:-}"; namespace="$2"; shift 2 ;;
    --release) need_value "$1" $# "${2:-}"; release="$2"; shift 2 ;;
    --values) need_value "$1" $# "${2:-}"; values+=("$2"); shift 2 ;;
    --ready-url) need_value "$1" $# "${2:-}"; ready_url="$2"; shift 2 ;;
    --timeout) need_value "$1" $# "${2:-}"; timeout="$2"; shift 2 ;;
    --no-smoke) smoke=0; shift ;;
    --no-rollback) rollback=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" "run scripts/deploy.sh --help" ;;
    esac
done

# ---- pre-flight: every failure says what to fix, and nothing has changed yet.
preflight_common() {
    case "$target" in
    helm | compose) ;;
    "") die_usage "--target is required" "pass --target helm (Kubernetes) or --target compose (Docker)" ;;
    *) die_usage "unknown target '$target'" "use --target helm or --target compose" ;;
    esac
    [ -n "$env" ] || die_usage "--env is required" "pass --env staging, --env production, …"
    [[ "$env" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die_usage "bad environment name '$env'" "use lowercase letters, digits and '-'"
    [ -n "$version" ] || die_usage "--version is required" "pass the image tag to deploy, e.g. --version v1.4.0"
    valid_version "$version" || die_usage "bad version '$version'" "use an image tag such as v1.4.0"
    if [ "$env" = production ]; then
        [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
            die_usage "production takes a release version, not '$version'" "deploy a tag like v1.4.0 (staging accepts any tag)"
    fi
    check_common_args
}

preflight_helm() {
    command -v helm >/dev/null || die_usage "helm is not installed" "install Helm 3 (https://helm.sh/docs/intro/install/)"
    command -v kubectl >/dev/null || die_usage "kubectl is not installed" "install kubectl matching your cluster version"
    chart="$repo_root/deploy/helm/mgit"
    [ -f "$chart/Chart.yaml" ] || die_usage "chart not found at $chart" "run from a checkout of mgit"
    env_values="$chart/env/$env.yaml"
    [ -f "$env_values" ] || die_usage "no values for environment '$env' ($env_values)" "create it (copy env/staging.yaml) or pick another --env"
    local f
    for f in "${values[@]}"; do
        [ -f "$f" ] || die_usage "values file $f not found" "check the --values path"
    done
    kubectl version --request-timeout=10s >/dev/null 2>&1 ||
        die_usage "cannot reach the Kubernetes API (context: $(kubectl config current-context 2>/dev/null || echo none))" \
            "select the cluster with kubectl config use-context, or check your VPN/credentials"
    kubectl get namespace "$namespace" >/dev/null 2>&1 ||
        die_usage "namespace $namespace does not exist" "kubectl create namespace $namespace (or pass --namespace)"
    # The chart's own validation (query set, mode, shards) fails here with
    # its message, before anything is applied, for the cluster's Kubernetes
    # version (without --kube-version helm assumes its own default, which
    # for a go-installed helm is 1.20).
    local rendered kube_version
    kube_version="$(kubectl version -o json --request-timeout=10s 2>/dev/null |
        sed -n '/"serverVersion"/,/}/s/^ *"gitVersion": *"\(v[0-9][^"]*\)".*/\1/p' | head -n1)"
    [ -n "$kube_version" ] || die_usage "cannot read the cluster's Kubernetes version" "check kubectl version -o json against this cluster"
    kube_version="${kube_version%%+*}"
    rendered="$(helm template "$release" "$chart" --namespace "$namespace" "${helm_values[@]}" --set "image.tag=$version" --kube-version "$kube_version")" ||
        die_usage "the chart does not render with these values" "fix the values named in helm's message above"
    if grep -q '^kind: ServiceMonitor' <<<"$rendered"; then
        kubectl get crd servicemonitors.monitoring.coreos.com >/dev/null 2>&1 ||
            die_usage "the values enable a ServiceMonitor but the cluster has no ServiceMonitor CRD" \
                "install the Prometheus Operator CRDs, or set metrics.serviceMonitor.enabled=false"
    fi
}

preflight_compose() {
    command -v docker >/dev/null || die_usage "docker is not installed" "install Docker Engine with the compose plugin"
    docker compose version >/dev/null 2>&1 || die_usage "docker compose is not available" "install the Docker Compose v2 plugin"
    docker info >/dev/null 2>&1 || die_usage "cannot reach the Docker daemon" "start Docker, or check DOCKER_HOST / your permissions"
    compose_file="$repo_root/docker-compose.yml"
    [ -f "$compose_file" ] || die_usage "docker-compose.yml not found at $compose_file" "run from a checkout of mgit"
    local env_file="${MGIT_ENV_FILE:-$repo_root/mgit.env}"
    [ -f "$env_file" ] || die_usage "token file $env_file not found" "create it with GITHUB_TOKEN=… (or MGIT_TOKEN_<KIND>=…) lines (see docs/deployment/docker-guide.md), or set MGIT_ENV_FILE"
    if [ -n "$(find "$env_file" -perm /044 2>/dev/null)" ]; then
        die_usage "token file $env_file is readable by others" "chmod 600 $env_file"
    fi
    docker compose -f "$compose_file" -p "$project" config --quiet ||
        die_usage "docker-compose.yml does not validate" "fix the error docker compose printed above"
}

rollback_now() {
    local args=(--target "$target" --env "$env" --namespace "$namespace" --release "$release")
    [ -z "$ready_url" ] || args+=(--ready-url "$ready_url")
    [ "$smoke" -eq 1 ] || args+=(--no-smoke)
    "$here/rollback.sh" "${args[@]}"
}

fail() {
    log "$1"
    if [ "$rollback" -eq 1 ]; then
        log "rolling back"
        if rollback_now; then
            log "rolled back; the deployment of $version FAILED"
        else
            log "rollback FAILED too: check the workload by hand (kubectl/helm history, docker compose ps)"
        fi
    else
        log "--no-rollback: leaving $version in place for debugging"
    fi
    exit 1
}

preflight_common
[ -n "$namespace" ] || namespace="mgit-$env"
project="mgit-$env"
helm_values=()
if [ "$target" = helm ]; then
    helm_values=(-f "$repo_root/deploy/helm/mgit/env/$env.yaml")
    for f in "${values[@]}"; do helm_values+=(-f "$f"); done
    preflight_helm
    log "deploying $version to $env (release $release, namespace $namespace)"
    first_install=0
    helm status "$release" --namespace "$namespace" >/dev/null 2>&1 || first_install=1
    # --atomic: a release whose pods never become ready is rolled back by
    # Helm itself; the smoke test below catches what Helm cannot see.
    if ! run helm upgrade --install "$release" "$chart" --namespace "$namespace" \
        "${helm_values[@]}" --set "image.tag=$version" \
        --atomic --wait --timeout "$timeout" --history-max 10; then
        if [ "$first_install" -eq 1 ]; then
            log "helm install failed: this was the first install of $release, so helm --atomic removed it and nothing runs now"
        else
            log "helm upgrade failed (helm --atomic already restored the previous release)"
        fi
        exit 1
    fi
else
    preflight_compose
    state_dir="${MGIT_DEPLOY_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/mgit-deploy}"
    current_file="$state_dir/$project.current"
    log "deploying $version to $env (compose project $project)"
    export MGIT_VERSION="$version"
    # A failed pull changed nothing (the old containers still run), so
    # there is nothing to roll back and the state files stay as they are.
    if ! run docker compose -f "$compose_file" -p "$project" pull mgit; then
        log "docker compose pull failed: $version was not deployed, nothing was changed"
        exit 1
    fi
    if [ "$dry_run" -eq 0 ]; then
        mkdir -p "$state_dir"
        # History for rollback.sh: the running version becomes "previous".
        if [ -f "$current_file" ]; then cp "$current_file" "$state_dir/$project.previous"; fi
        printf '%s\n' "$version" >"$current_file"
    fi
    if ! run docker compose -f "$compose_file" -p "$project" up -d --wait mgit prometheus; then
        fail "docker compose up failed"
    fi
fi

if [ "$dry_run" -eq 1 ]; then
    log "dry run: pre-flight passed, nothing was changed"
    exit 0
fi
if [ "$smoke" -eq 1 ]; then
    smoke_test || fail "smoke test failed: mgit did not become ready"
    log "smoke test passed: mgit is ready"
fi
log "deployed $version to $env"
