//go:build linux

package secure

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// DisableCoreDumps keeps tokens out of core files and away from other
// processes of the same user: it marks the process not dumpable
// (PR_SET_DUMPABLE 0: no core file, no ptrace attach by non-root
// processes of the uid, /proc/<pid>/mem closed to them) and sets
// RLIMIT_CORE to 0, which children such as git inherit. A test core of
// mgit held the token 11 times (issue 13). main calls it first thing.
func DisableCoreDumps() error {
	var errs []error
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		errs = append(errs, fmt.Errorf("prctl(PR_SET_DUMPABLE, 0): %w", err))
	}
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0}); err != nil {
		errs = append(errs, fmt.Errorf("setrlimit(RLIMIT_CORE, 0): %w", err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("disable core dumps: %v", errs)
	}
	return nil
}

// dumpable reports the process's PR_GET_DUMPABLE flag.
func dumpable() (bool, error) {
	v, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	return v != 0, err
}
