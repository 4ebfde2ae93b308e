package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// openPTY opens a pseudo-terminal pair: the controlling side for the test
// to read, the terminal side for the child's stderr.
func openPTY(t *testing.T) (ctl, term *os.File) {
	t.Helper()
	ctl, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	fd := int(ctl.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	return ctl, term
}

// runStderrOnTTY runs mgit with stdout on a pipe and stderr on a terminal
// and returns both.
func runStderrOnTTY(t *testing.T, r *mgitRunner, env []string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctl, term := openPTY(t)
	defer ctl.Close()
	cmd, out, _ := r.command(env, args...)
	cmd.Stderr = term
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term.Close() // the child holds it now: reading ends when the child exits
	var tty bytes.Buffer
	_, _ = io.Copy(&tty, ctl) // ends with EIO once no one holds the terminal side
	_ = cmd.Wait()
	return out.String(), strings.ReplaceAll(tty.String(), "\r\n", "\n")
}

// A failing fetch read by a person says its failure once: the presenter's
// FAIL line, and no log line (JSON or not) repeating it. With stderr in a
// file, the JSON log line is there as before; --log-level brings the
// line back on the terminal, in console form, without colour under
// NO_COLOR.
func TestLogsForPeopleOnATerminal(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	repo := filepath.Join(r.dir, "ws", "broken")
	gittest.InitRepo(t, repo)
	gittest.Commit(t, repo, "f", "x", "one")
	gittest.Git(t, repo, "remote", "add", "origin", filepath.Join(r.dir, "no-such-remote.git"))
	args := []string{"fetch", "--git-backend", "cli", "ws"}

	stdout, stderr := runStderrOnTTY(t, r, nil, args...)
	if n := strings.Count(stdout, "FAIL"); n != 1 {
		t.Fatalf("stdout has %d FAIL lines, want 1:\n%s", n, stdout)
	}
	if strings.Contains(stderr, "{") || strings.Contains(stderr, "op finished") || strings.Contains(stderr, "no-such-remote") {
		t.Fatalf("the terminal's stderr repeats the failure:\n%q", stderr)
	}

	res := r.run(nil, args...) // stderr in a buffer: no terminal
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(res.stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stderr line off a terminal is not JSON: %q", line)
		}
		found = found || (m["message"] == "op finished" && m["level"] == "warn" && m["outcome"] == "failed")
	}
	if !found {
		t.Fatalf("no JSON op finished line off a terminal:\n%s", res.stderr)
	}

	_, stderr = runStderrOnTTY(t, r, []string{"NO_COLOR=1"}, append([]string{"--log-level", "warn"}, args...)...)
	if !strings.Contains(stderr, "WRN op finished") || strings.Contains(stderr, "{") || strings.Contains(stderr, "\x1b[") {
		t.Fatalf("--log-level warn on a terminal under NO_COLOR: want one plain console line, got\n%q", stderr)
	}
	_, stderr = runStderrOnTTY(t, r, nil, append([]string{"--log-format", "json"}, args...)...)
	if !strings.Contains(stderr, `"message":"op finished"`) {
		t.Fatalf("--log-format json on a terminal: want the JSON line, got\n%q", stderr)
	}
}
