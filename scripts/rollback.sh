#!/usr/bin/env bash
# Roll mgit sync back: to the previous Helm revision or compose version, to a
# named Helm revision, or to a named version; then check readiness (as
# deploy.sh does).
#
#   scripts/rollback.sh --target helm --env production             # previous revision
#   scripts/rollback.sh --target helm --env production --to-revision 7
#   scripts/rollback.sh --target compose --env local --to-version v1.3.2
#
# deploy.sh calls this when its smoke test fails. Exit codes: 0 rolled back
# and ready; 1 rollback or its check failed; 2 usage or pre-flight error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"

usage() {
    cat <<'EOF'
Usage: scripts/rollback.sh --target helm|compose --env ENV [options]

Options:
  --target helm|compose  where mgit runs (required)
  --env ENV              environment (required)
  --to-version VERSION   deploy this image tag instead of the previous one
  --to-revision N        helm only: roll back to Helm revision N
  --namespace NS         Kubernetes namespace (default mgit-ENV)
  --release NAME         Helm release (default mgit)
  --ready-url URL        check this /readyz URL afterwards
  --timeout DURATION     helm --timeout, e.g. 90s, 15m (default 15m)
  --no-smoke             skip the readiness check
  --dry-run              print the commands that would change something
  -h, --help             this help
EOF
}

target="" env="" namespace="" release="mgit" to_version="" to_revision="" ready_url="" timeout="15m"
dry_run=0 smoke=1
while [ $# -gt 0 ]; do
    case "$1" in
    --target) need_value "$1" $# "${2:-}"; target="$2"; shift 2 ;;
    --env) need_value "$1" $# "${2:-}"; env="$2"; shift 2 ;;
    --to-version) need_value "$1" $# "${2:-}"; to_version="$2"; shift 2 ;;
    --to-revision) need_value "$1" $# "${2:-}"; to_revision="$2"; shift 2 ;;
    --namespace) need_value "$1" $# "${2:-}"; namespace="$2"; shift 2 ;;
    --release) need_value "$1" $# "${2:-}"; release="$2"; shift 2 ;;
    --ready-url) need_value "$1" $# "${2:-}"; ready_url="$2"; shift 2 ;;
    --timeout) need_value "$1" $# "${2:-}"; timeout="$2"; shift 2 ;;
    --no-smoke) smoke=0; shift ;;
    --dry-run) dry_run=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die_usage "unknown argument '$1'" "run scripts/rollback.sh --help" ;;
    esac
done

case "$target" in
helm | compose) ;;
"") die_usage "--target is required" "pass --target helm or --target compose" ;;
*) die_usage "unknown target '$target'" "use --target helm or --target compose" ;;
esac
[ -n "$env" ] || die_usage "--env is required" "pass the environment to roll back, e.g. --env staging"
[[ "$env" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die_usage "bad environment name '$env'" "use lowercase letters, digits and '-'"
[ -z "$to_version" ] || valid_version "$to_version" ||
    die_usage "bad version '$to_version'" "use an image tag such as v1.4.0"
check_common_args
[ -z "$to_version" ] || [ -z "$to_revision" ] ||
    die_usage "--to-version and --to-revision exclude each other" "pass only one"
[ -z "$to_revision" ] || [[ "$to_revision" =~ ^[0-9]+$ ]] ||
    die_usage "bad revision '$to_revision'" "pass a number from: helm history $release -n ${namespace:-mgit-$env}"
[ -z "$to_revision" ] || [ "$target" = helm ] ||
    die_usage "--to-revision is for --target helm" "use --to-version with compose"
[ -n "$namespace" ] || namespace="mgit-$env"
project="mgit-$env"

if [ "$target" = helm ]; then
    command -v helm >/dev/null || die_usage "helm is not installed" "install Helm 3"
    command -v kubectl >/dev/null || die_usage "kubectl is not installed" "install kubectl"
    helm status "$release" --namespace "$namespace" >/dev/null 2>&1 ||
        die_usage "no release $release in namespace $namespace" "check --env/--namespace/--release (helm list -A)"
    if [ -n "$to_version" ]; then
        # A named version: the release's current values with another image.
        log "rolling $release back to image $to_version"
        run helm upgrade "$release" "$repo_root/deploy/helm/mgit" --namespace "$namespace" \
            --reuse-values --set "image.tag=$to_version" --atomic --wait --timeout "$timeout"
    else
        # Revision 0 is Helm's "the previous revision".
        log "rolling $release back to revision ${to_revision:-previous}"
        run helm rollback "$release" "${to_revision:-0}" --namespace "$namespace" --wait --timeout "$timeout"
    fi
else
    command -v docker >/dev/null || die_usage "docker is not installed" "install Docker Engine with the compose plugin"
    compose_file="$repo_root/docker-compose.yml"
    state_dir="${MGIT_DEPLOY_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/mgit-deploy}"
    if [ -z "$to_version" ]; then
        [ -f "$state_dir/$project.previous" ] ||
            die_usage "no previous version recorded for $project in $state_dir" "name one with --to-version vX.Y.Z"
        to_version="$(cat "$state_dir/$project.previous")"
        valid_version "$to_version" ||
            die_usage "the recorded previous version '$to_version' is not an image tag" "name one with --to-version vX.Y.Z"
    fi
    log "rolling $project back to $to_version"
    export MGIT_VERSION="$to_version"
    run docker compose -f "$compose_file" -p "$project" up -d --wait mgit prometheus
    if [ "$dry_run" -eq 0 ]; then
        mkdir -p "$state_dir"
        printf '%s\n' "$to_version" >"$state_dir/$project.current"
    fi
fi

if [ "$dry_run" -eq 1 ]; then
    log "dry run: nothing was changed"
    exit 0
fi
if [ "$smoke" -eq 1 ]; then
    smoke_test || { log "after the rollback mgit is still not ready"; exit 1; }
    log "mgit is ready"
fi
log "rolled back $env"
