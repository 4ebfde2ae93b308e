//go:build linux

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/internal/testbin"
)

// TestBinaryDisablesCoreDumps builds mgit, starts a login that waits for
// its token on stdin, and reads the running process's core-file limit
// from /proc/<pid>/limits: the built binary's start-up path calls
// secure.DisableCoreDumps (whose dumpable flag is checked in secure).
func TestBinaryDisablesCoreDumps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := testbin.Build(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(bin, "login", "--provider", "github", "--name", "w", "--token-stdin")
	cmd.Env = []string{"HOME=" + home, "MGIT_KEYRING_BACKEND=env", "PATH=" + os.Getenv("PATH")}
	if dir := os.Getenv("GOCOVERDIR"); dir != "" {
		cmd.Env = append(cmd.Env, "GOCOVERDIR="+dir)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	// The process sets the limit before it reads stdin, where it waits;
	// poll its limits until then (bounded, not a sleep as synchronisation).
	deadline := time.Now().Add(time.Minute)
	for {
		limit, err := coreLimit(cmd.Process.Pid)
		if err != nil {
			t.Fatal(err)
		}
		if limit == "0 0" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("core file size limit of the running mgit is %q, want 0 0", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func coreLimit(pid int) (string, error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "limits"))
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Max core file size"); ok {
			fs := strings.Fields(rest)
			if len(fs) >= 2 {
				return fs[0] + " " + fs[1], nil
			}
		}
	}
	return "", sc.Err()
}
