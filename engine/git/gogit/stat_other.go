//go:build !linux

package gogit

import (
	"os"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// fillStat is a no-op off Linux: git then re-hashes the file once, which
// costs time but never correctness.
func fillStat(_ *index.Entry, _ os.FileInfo) {}
