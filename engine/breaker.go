package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/mgit-dev/mgit/engine/git"
)

// The per-host circuit breaker: a host that failed Config.HostFailures
// operations in a row for network reasons (connection refused or reset,
// DNS, timeouts, stalls — after their retries) is taken for down, and the
// run's remaining operations against it fail at once with git.ErrHostDown
// instead of each spending its retries and timeouts: a dead host under an
// organization of 10,000 repositories costs K failures, not 10,000. A
// success resets the count. The state lives in the run, so the next run
// (or sync cycle) tries the host again.

// hostFailure reports whether err says the host could not be reached or
// kept its connection alive: what the breaker counts.
func hostFailure(err error) bool {
	if errors.Is(err, git.ErrAuth) || errors.Is(err, git.ErrRepoNotFound) || errors.Is(err, git.ErrHostDown) {
		return false
	}
	return errors.Is(err, git.ErrNetwork) || errors.Is(err, git.ErrStalled) || errors.Is(err, context.DeadlineExceeded)
}

// hostDown returns the fail-fast error when host's breaker is open.
func (r *run) hostDown(op Op, host string) error {
	k := r.e.cfg.HostFailures
	if host == "" || k < 0 || !op.Network() {
		return nil
	}
	r.mu.Lock()
	n := r.hostFails[host]
	r.mu.Unlock()
	if n < k {
		return nil
	}
	return &git.Error{Op: string(op), Kind: git.ErrHostDown,
		Detail: fmt.Sprintf("%s failed %d operations in a row; not trying its remaining repositories in this run", host, n)}
}

// noteHost records the outcome of a network operation against host.
func (r *run) noteHost(op Op, host string, err error) {
	if host == "" || !op.Network() || (err != nil && !hostFailure(err)) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err == nil {
		delete(r.hostFails, host)
		return
	}
	if r.hostFails == nil {
		r.hostFails = map[string]int{}
	}
	r.hostFails[host]++
	if r.hostFails[host] == r.e.cfg.HostFailures {
		r.log.Warn().Str("host", host).Int("failures", r.hostFails[host]).
			Msg("host looks down: failing its remaining operations in this run at once")
	}
}
