# shellcheck shell=bash
# Sourced by .ci/run and `just test`. The tests make and delete hundreds
# of thousands of files (a git repository a test, most of them), and on
# this project's 2-core machines /tmp is ext4 without a journal, where
# creating an inode scans the recently deleted ones: a perf profile put
# 58 % of engine/git/gogit's test CPU there (its package took 40 s of CPU
# with TMPDIR in /tmp, 14 s on tmpfs; engine/git/cli 24 s and 12 s). So
# the tests' temporary files go to a fresh directory on /dev/shm when it
# is a tmpfs with 4 GiB free (a container's 64 MiB /dev/shm is not),
# removed when the caller exits; otherwise TMPDIR stays as it is.
# MGIT_TEST_TMPDIR=keep leaves TMPDIR alone. A plain `go test ./...` gets
# the same for the git-heavy packages from their TestMain
# (engine/git/gittest's useTmpfs, a directory per package); this script
# gives the whole run one directory, so the go command's build directories
# and the end-to-end tests' shared binary (internal/testbin) live there
# too.

# testtmp_use points TMPDIR at that directory and prints where it is.
testtmp_use() {
    local shm=/dev/shm avail
    [ "${MGIT_TEST_TMPDIR:-}" != keep ] || return 0
    [ -d "$shm" ] && [ -w "$shm" ] || return 0
    [ "$(stat -f -c %T "$shm" 2>/dev/null)" = tmpfs ] || return 0
    avail="$(df -Pk "$shm" | awk 'NR==2 {print $4}')"
    [ "${avail:-0}" -ge $((4 * 1024 * 1024)) ] || return 0
    TMPDIR="$(mktemp -d "$shm/mgit-test.XXXXXX")"
    export TMPDIR
    testtmp_dir="$TMPDIR"
    echo "test temporary files in $TMPDIR (tmpfs; MGIT_TEST_TMPDIR=keep leaves TMPDIR as it was)"
}

# testtmp_done removes the directory testtmp_use made, if any.
testtmp_done() {
    if [ -n "${testtmp_dir:-}" ]; then
        rm -rf "$testtmp_dir"
    fi
}
