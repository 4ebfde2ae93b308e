//go:build !unix

package gogit

import (
	"errors"
	"os"
)

// tryLock cannot tell a crashed update from a running one here; an
// interrupted update is left for a person to look at.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("advisory locks are not supported on this system")
}

func fileIdentity(os.FileInfo) (dev, ino uint64) { return 0, 0 }
