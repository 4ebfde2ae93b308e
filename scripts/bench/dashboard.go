//go:build linux

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// dashboardFigures are what one workspace's dashboard measured: a start
// without the state cache (which fills it on exit), then a start with it.
type dashboardFigures struct {
	firstPaint, refresh, coldRefresh time.Duration
	hwm, coldHWM                     int64 // bytes
	// line is the status line that ended the refresh, with the engine's
	// own duration.
	line string
}

// dashboardRun is one start of the dashboard until its first status
// refresh finishes.
type dashboardRun struct {
	firstPaint, refresh time.Duration
	hwm                 int64
	line                string
}

func (b *bench) dashboard(ws string, n, dirty int) (dashboardFigures, error) {
	cold, err := b.dashboardOnce(ws, n, 0, 0)
	if err != nil {
		return dashboardFigures{}, fmt.Errorf("without a cache: %w", err)
	}
	warm, err := b.dashboardOnce(ws, n, dirty, 1)
	if err != nil {
		return dashboardFigures{}, fmt.Errorf("from the cache: %w", err)
	}
	return dashboardFigures{firstPaint: warm.firstPaint, refresh: warm.refresh, coldRefresh: cold.refresh,
		hwm: warm.hwm, coldHWM: cold.hwm, line: warm.line}, nil
}

// tmux is a tmux server of the bench's own, on its own socket, holding
// one session "mgit" of the given size.
type tmux struct {
	socket string
	env    []string
}

func (t tmux) run(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-L", t.socket, "-f", os.DevNull}, args...)...)
	cmd.Env = t.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (t tmux) screen() string {
	out, _ := t.run("capture-pane", "-p", "-t", "mgit")
	return out
}

// dashboardOnce starts mgit on ws in tmux, waits for the first paint
// (the header's "N repos", and "D dirty" when D > 0, which only the cache
// can know that early), then for the end of the first refresh, reads the
// peak RSS and quits with q, which writes the cache.
func (b *bench) dashboardOnce(ws string, n, dirty, k int) (dashboardRun, error) {
	var r dashboardRun
	pidFile := filepath.Join(b.work, fmt.Sprintf("dashboard-%d.pid", k))
	script := filepath.Join(b.work, fmt.Sprintf("dashboard-%d.sh", k))
	// The script waits for a key before it becomes mgit, so the clock
	// starts after tmux and the shell have started.
	body := fmt.Sprintf("#!/bin/sh\necho $$ > %s\nread go\nexec %s %s\n", shellQuote(pidFile), shellQuote(b.cfg.mgit), shellQuote(ws))
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		return r, err
	}
	t := tmux{socket: fmt.Sprintf("mgit-bench-%d-%d", os.Getpid(), k), env: append(b.env, "TERM=xterm-256color")}
	defer func() { _, _ = t.run("kill-server") }()
	if out, err := t.run("new-session", "-d", "-s", "mgit", "-x", "200", "-y", "50", script); err != nil {
		return r, fmt.Errorf("tmux new-session: %w: %s", err, out)
	}
	_, _ = t.run("set-option", "-t", "mgit", "remain-on-exit", "on")
	pid, err := waitPID(pidFile)
	if err != nil {
		return r, err
	}
	start := time.Now()
	if out, err := t.run("send-keys", "-t", "mgit", "Enter"); err != nil {
		return r, fmt.Errorf("start mgit: %w: %s", err, out)
	}
	want := []string{fmt.Sprintf(" %d repos", n)}
	if dirty > 0 {
		want = append(want, fmt.Sprintf("%d dirty", dirty))
	}
	// Polls are bounded by count: 3,000 × 20 ms is a minute for the
	// first paint; 6,000 × 200 ms twenty minutes for a refresh on a
	// loaded machine.
	if _, err := t.poll(pid, 3000, 20*time.Millisecond, want...); err != nil {
		return r, fmt.Errorf("first paint: %w", err)
	}
	r.firstPaint = time.Since(start)
	done := fmt.Sprintf("status of %d repositories: ", n)
	scr, err := t.poll(pid, 6000, 200*time.Millisecond, done)
	if err != nil {
		return r, fmt.Errorf("refresh: %w", err)
	}
	r.refresh = time.Since(start)
	r.line = lineWith(scr, done)
	if r.hwm, err = vmHWM(pid); err != nil {
		return r, err
	}
	if out, err := t.run("send-keys", "-t", "mgit", "q"); err != nil {
		return r, fmt.Errorf("send q: %w: %s", err, out)
	}
	// The cache is written on the way out: wait for the process to end,
	// bounded, before the next start reads it.
	for range 600 {
		if !alive(pid) {
			return r, nil
		}
		time.Sleep(100 * time.Millisecond) // polling a process's exit, not synchronising
	}
	return r, fmt.Errorf("mgit (pid %d) did not exit after q:\n%s", pid, t.screen())
}

// poll captures the pane every interval, at most polls times, until the
// screen shows every string in want; it gives up early if mgit exits.
func (t tmux) poll(pid, polls int, interval time.Duration, want ...string) (string, error) {
	scr := ""
	for range polls {
		scr = t.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(scr, w)
		}
		if ok {
			return scr, nil
		}
		if !alive(pid) {
			return "", fmt.Errorf("mgit exited before showing %q:\n%s", want, scr)
		}
		time.Sleep(interval)
	}
	return "", fmt.Errorf("screen never showed %q after %d polls:\n%s", want, polls, scr)
}

func waitPID(file string) (int, error) {
	for range 500 {
		data, err := os.ReadFile(file)
		if s := strings.TrimSpace(string(data)); err == nil && s != "" {
			return strconv.Atoi(s)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, errors.New("the dashboard's script never wrote its pid")
}

// alive: a zombie counts as gone (its exit is done; tmux, its parent,
// may not reap it before the bench looks).
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(b, ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

// vmHWM is the process's peak resident set so far.
func vmHWM(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read peak RSS of pid %d: %w", pid, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

func lineWith(scr, s string) string {
	for _, l := range strings.Split(scr, "\n") {
		if i := strings.Index(l, s); i >= 0 {
			return strings.TrimSpace(l[i:])
		}
	}
	return ""
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
