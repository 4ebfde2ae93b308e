package gogit

import (
	"context"
	"errors"
	"io/fs"
	"syscall"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
)

// TestDiskFullIsClassified: go-git surfaces ENOSPC as a wrapped os error;
// it must reach the user as disk-full, with its hint, not unclassified.
func TestDiskFullIsClassified(t *testing.T) {
	err := opError(context.Background(), "clone", "/x", &fs.PathError{Op: "write", Path: "/x/.git/objects/pack/tmp", Err: syscall.ENOSPC}, "")
	if !errors.Is(err, git.ErrDiskFull) || git.Hint(err) == "" {
		t.Fatalf("err %v", err)
	}
}
