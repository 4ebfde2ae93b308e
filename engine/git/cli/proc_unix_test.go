//go:build linux

package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// TestSlowReaderIsNotAnError starves the reader of git's stderr for longer
// than the cancellation WaitDelay after git has already exited and been
// reaped, as a loaded machine does. The command was healthy, so the run must
// succeed: a WaitDelay that also runs after a normal exit fails it with
// "exec: WaitDelay expired before I/O complete".
func TestSlowReaderIsNotAnError(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	script := filepath.Join(dir, "fakegit")
	// A progress line on stderr, the pid for the test, then a normal exit.
	body := "#!/bin/sh\necho $$ > " + pidFile + "\nprintf 'Receiving objects:  50%% (1/2)\\r' >&2\necho done\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	blocked := false
	progress := func(git.Progress) {
		if blocked {
			return
		}
		blocked = true
		// Hold the reader until the script has exited and Wait has reaped
		// it (its /proc entry is gone), then past the old WaitDelay.
		for {
			b, err := os.ReadFile(pidFile)
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			if err == nil && pid > 0 {
				if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); os.IsNotExist(err) {
					break
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(waitDelay + waitDelay/2)
	}
	out, err := execRunner{path: script}.run(context.Background(), command{dir: dir, env: os.Environ(), progress: progress})
	if err != nil {
		t.Fatalf("healthy command with a slow reader failed: %v", err)
	}
	if !blocked || strings.TrimSpace(string(out.stdout)) != "done" {
		t.Fatalf("stdout %q, progress seen %v", out.stdout, blocked)
	}
}

// TestCancelStillBoundedByWaitDelay: a grandchild that keeps git's pipes
// open after cancellation (outside the killed group, as a daemonised helper
// would) must not keep the call waiting: WaitDelay applies once cancelled.
func TestCancelStillBoundedByWaitDelay(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "fakegit")
	// setsid puts the sleeper in a session of its own, out of reach of the
	// group kill; it inherits stderr and holds it open.
	body := "#!/bin/sh\nsetsid sleep 30 &\necho $! > " + filepath.Join(dir, "pid") + "\nprintf 'started\\n' >&2\nwait\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		for {
			if _, err := os.Stat(filepath.Join(dir, "pid")); err == nil {
				close(started)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	go func() { <-started; cancel() }()
	done := make(chan error, 1)
	go func() {
		_, err := execRunner{path: script}.run(ctx, command{dir: dir, env: os.Environ()})
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("cancelled command reported success")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("cancelled command still waiting for a grandchild's pipe")
	}
	if b, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
		if pid, _ := strconv.Atoi(strings.TrimSpace(string(b))); pid > 0 {
			p, _ := os.FindProcess(pid)
			_ = p.Kill()
		}
	}
}

// TestGitDiesWithMgit kills (SIGKILL) a process that runs git through
// execRunner and expects git to end too: a stalled git must not run on
// forever, with a token in its environment, after mgit is gone.
func TestGitDiesWithMgit(t *testing.T) {
	if os.Getenv("MGIT_TEST_PDEATH_PARENT") != "" {
		// The child: run a "git" that never ends, from a goroutine
		// that is not the main one (the runtime may end threads).
		dir := os.Getenv("MGIT_TEST_PDEATH_PARENT")
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = execRunner{path: filepath.Join(dir, "fakegit")}.run(context.Background(), command{dir: dir, env: os.Environ()})
		}()
		<-done
		return
	}
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	body := "#!/bin/sh\necho $$ > " + pidFile + ".tmp\nmv " + pidFile + ".tmp " + pidFile + "\nexec sleep 300\n"
	if err := os.WriteFile(filepath.Join(dir, "fakegit"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestGitDiesWithMgit$")
	parent.Env = append(os.Environ(), "MGIT_TEST_PDEATH_PARENT="+dir)
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(30 * time.Second); pid == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = parent.Process.Kill()
			t.Fatal("the fake git never started")
		}
		b, err := os.ReadFile(pidFile)
		if err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		}
	}
	_ = parent.Process.Kill()
	_ = parent.Wait()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if err := syscall.Kill(pid, 0); err != nil {
			return // gone (it was reparented and reaped by init)
		}
		if st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && strings.Contains(string(st), ") Z ") {
			return // dead, waiting to be reaped
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatal("git outlived the mgit process that started it")
		}
	}
}
