# shellcheck shell=bash
# shellcheck disable=SC2154 # dry_run, target, release, namespace, ready_url: set by the caller
# Shared by scripts/deploy.sh and scripts/rollback.sh, which source it (it
# is not run on its own): messages, the --dry-run aware runner and the
# /readyz smoke test, so both scripts check readiness the same way. The
# caller sets dry_run, target, release, namespace and ready_url first.

# Messages start with the calling script's name (deploy:, rollback:).
script_name="$(basename "$0" .sh)"

die_usage() { printf '%s: %s\n' "$script_name" "$1" >&2; [ -z "${2:-}" ] || printf '  fix: %s\n' "$2" >&2; exit 2; }
log() { printf '%s: %s\n' "$script_name" "$*" >&2; }

# run executes a command that changes something; with --dry-run it only
# prints it. Read-only commands (pre-flight, smoke test) always run.
run() {
    printf '+ %s\n' "$*" >&2
    [ "$dry_run" -eq 1 ] || "$@"
}

# smoke_test: /readyz answers 200 (after the first sync cycle).
# SMOKE_ATTEMPTS (default 30) tries, SMOKE_INTERVAL (default 10) seconds apart.
smoke_test() {
    local attempts="${SMOKE_ATTEMPTS:-30}" interval="${SMOKE_INTERVAL:-10}" i
    local svc="${release}-mgit"
    case "$release" in *mgit*) svc="$release" ;; esac # the chart's fullname drops a repeated name
    for ((i = 1; i <= attempts; i++)); do
        if [ -n "$ready_url" ]; then
            curl -fsS --max-time 5 "$ready_url" >/dev/null 2>&1 && return 0
        elif [ "$target" = helm ]; then
            # The API server's service proxy: no port-forward to manage.
            kubectl -n "$namespace" get --raw "/api/v1/namespaces/$namespace/services/http:$svc:metrics/proxy/readyz" >/dev/null 2>&1 && return 0
        else
            curl -fsS --max-time 5 "http://127.0.0.1:${MGIT_METRICS_PORT:-9090}/readyz" >/dev/null 2>&1 && return 0
        fi
        log "readyz not ready yet (attempt $i/$attempts)"
        [ "$i" -eq "$attempts" ] || sleep "$interval"
    done
    return 1
}
