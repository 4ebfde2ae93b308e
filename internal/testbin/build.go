package testbin

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
)

// Version is the version the built binary reports (`mgit version`).
const Version = "v0.0.0-e2e"

// Build builds github.com/mgit-dev/mgit into dir/mgit and returns its path.
// env is the go command's environment (nil: this process's); a caller that
// moved HOME for git passes the environment from before, so the usual build
// cache serves the build. With GOCOVERDIR set the binary is built with
// -cover, so its runs write coverage data there (README).
//
// The go command links into one place per module checkout (shared), under
// a lock, and each caller gets a copy: the go command relinks only when
// the binary there is out of date (its build ID), so the app, ui and root
// packages, and the next test run, skip the link (3.5 s of CPU on a 2-core
// machine). The copy keeps a caller's running binary out of the way of a
// later relink.
func Build(dir string, env []string) (string, error) {
	bin := filepath.Join(dir, "mgit")
	shared, unlock, err := sharedDir()
	if err != nil {
		return bin, build(bin, env) // no shared place: link here
	}
	defer unlock()
	built := filepath.Join(shared, "mgit")
	if err := build(built, env); err != nil {
		return "", err
	}
	return bin, copyExecutable(built, bin)
}

func build(bin string, env []string) error {
	// The release build's flags (the Dockerfile's: static, -trimpath):
	// the tests run what ships, and .ci/run builds everything but the
	// race step with these flags, so the packages compiled for go vet
	// serve this build too.
	args := []string{"build", "-trimpath", "-o", bin,
		"-ldflags", "-X github.com/mgit-dev/mgit/app.buildVersion=" + Version}
	if os.Getenv("GOCOVERDIR") != "" {
		args = append(args, "-cover", "-coverpkg=github.com/mgit-dev/mgit/...")
	}
	cmd := exec.Command("go", append(args, "github.com/mgit-dev/mgit")...)
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env[:len(env):len(env)], "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	return nil
}

// sharedDir is the directory, locked until unlock, where this checkout's
// binary is linked: one per user, module root and coverage mode, so
// worktrees side by side do not relink each other's.
func sharedDir() (dir string, unlock func(), err error) {
	root, err := moduleRoot()
	if err != nil {
		return "", nil, err
	}
	key := sha256.Sum256([]byte(fmt.Sprintf("%s\x00cover=%t", root, os.Getenv("GOCOVERDIR") != "")))
	dir = filepath.Join(os.TempDir(), fmt.Sprintf("mgit-testbin-%d-%x", os.Getuid(), key[:8]))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	unlock, err = lock(filepath.Join(dir, "lock"))
	return dir, unlock, err
}

// moduleRoot is the nearest directory at or above the working directory
// (a test's package directory) that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func copyExecutable(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}
