package secure

import (
	"fmt"

	"github.com/99designs/keyring"
)

// userKeyringAvailable asks the kernel for the user keyring up front, so a
// refusal (a container's seccomp profile, say) is reported with its cause.
func userKeyringAvailable() error {
	if _, err := keyring.GetKeyringIDForScope("user"); err != nil {
		return fmt.Errorf("kernel refused the user keyring: %w", err)
	}
	return nil
}
