# shellcheck shell=bash
# shellcheck disable=SC2154 # dry_run, target, release, namespace, ready_url, timeout: set by the caller
# Shared by scripts/deploy.sh and scripts/rollback.sh, which source it (it
# is not run on its own): messages, argument checks, the --dry-run aware
# runner and the smoke test, so both scripts check readiness the same way.
# The caller sets dry_run, target, release, namespace, ready_url and
# timeout first.

# Messages start with the calling script's name (deploy:, rollback:).
script_name="$(basename "$0" .sh)"

die_usage() { printf '%s: %s\n' "$script_name" "$1" >&2; [ -z "${2:-}" ] || printf '  fix: %s\n' "$2" >&2; exit 2; }
log() { printf '%s: %s\n' "$script_name" "$*" >&2; }

# need_value FLAG "$#" VALUE: FLAG must be followed by a value that is not
# itself a flag (`--version --dry-run` would otherwise deploy "--dry-run").
need_value() {
    if [ "$2" -lt 2 ] || [ -z "$3" ] || [[ "$3" == -* ]]; then
        die_usage "$1 needs a value" "run $script_name.sh --help"
    fi
}

# A version is an image tag: no spaces, no shell or Helm syntax
# ('v1 --set x=y' is refused, not passed on).
valid_version() { [[ "$1" =~ ^v?[0-9A-Za-z][0-9A-Za-z._-]{0,127}$ ]]; }

# check_common_args: what both scripts take, checked before anything runs.
check_common_args() {
    [[ "$timeout" =~ ^([0-9]+(ms|s|m|h))+$ ]] ||
        die_usage "bad --timeout '$timeout'" "use a duration such as 90s, 15m or 1h30m"
    local v
    for v in SMOKE_ATTEMPTS SMOKE_INTERVAL; do
        [ -z "${!v:-}" ] || [[ "${!v}" =~ ^[0-9]+$ ]] ||
            die_usage "$v='${!v}' is not a whole number" "set $v to a count of tries / seconds, e.g. $v=10"
    done
    [ "${SMOKE_ATTEMPTS:-30}" -ge 1 ] || die_usage "SMOKE_ATTEMPTS=0 would never check" "set SMOKE_ATTEMPTS to 1 or more, or pass --no-smoke"
    if [ "$smoke" -eq 1 ] && { [ "$target" = compose ] || [ -n "$ready_url" ]; }; then
        command -v curl >/dev/null ||
            die_usage "curl is not installed (needed for the /readyz smoke test)" "install curl, or pass --no-smoke"
    fi
}

# run executes a command that changes something; with --dry-run it only
# prints it. Read-only commands (pre-flight, smoke test) always run.
run() {
    printf '+ %s\n' "$*" >&2
    [ "$dry_run" -eq 1 ] || "$@"
}

# smoke_helm: every Deployment/StatefulSet of the release has rolled out,
# and `mgit health --ready` passes inside every running pod. Both go through
# the API server's ordinary verbs (rollout status, exec), not its service
# proxy, which private clusters block. Readiness means providers and tokens
# resolved, not "first cycle done", so a healthy release is ready in seconds.
smoke_helm() {
    local sel="app.kubernetes.io/instance=$release,app.kubernetes.io/name=mgit" w pod pods
    for w in $(kubectl -n "$namespace" get deployments,statefulsets -l "$sel" -o name); do
        kubectl -n "$namespace" rollout status "$w" --timeout 60s >/dev/null || return 1
    done
    pods="$(kubectl -n "$namespace" get pods -l "$sel" --field-selector=status.phase=Running -o name)"
    [ -n "$pods" ] || return 1
    for pod in $pods; do
        kubectl -n "$namespace" exec "$pod" -c mgit -- /mgit health --ready >/dev/null || return 1
    done
}

# smoke_test: the release is ready (smoke_helm), or /readyz answers 200
# (compose, --ready-url). SMOKE_ATTEMPTS (default 30) tries, SMOKE_INTERVAL
# (default 10) seconds apart; both checked by check_common_args.
smoke_test() {
    local attempts="${SMOKE_ATTEMPTS:-30}" interval="${SMOKE_INTERVAL:-10}" i
    for ((i = 1; i <= attempts; i++)); do
        if [ -n "$ready_url" ]; then
            curl -fsS --max-time 5 "$ready_url" >/dev/null 2>&1 && return 0
        elif [ "$target" = helm ]; then
            smoke_helm && return 0
        else
            curl -fsS --max-time 5 "http://127.0.0.1:${MGIT_METRICS_PORT:-9090}/readyz" >/dev/null 2>&1 && return 0
        fi
        log "not ready yet (attempt $i/$attempts)"
        [ "$i" -eq "$attempts" ] || sleep "$interval"
    done
    return 1
}
