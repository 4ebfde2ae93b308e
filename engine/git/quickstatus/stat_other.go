//go:build !linux

package quickstatus

import (
	"os"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// sameInodeAndCtime cannot be decided portably; elsewhere git always
// answers, which is only slower.
func sameInodeAndCtime(_ os.FileInfo, _ *index.Entry, _ bool, p string) error {
	return slow("%s: stat comparison only on linux", p)
}
