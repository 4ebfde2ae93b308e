package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/state"
)

// waitLine polls the screen until one line holds every want.
func (s tmuxSession) waitLine(want ...string) string {
	s.t.Helper()
	return s.poll(fmt.Sprintf("a line showing %q", want), func() (string, bool) {
		scr := s.screen()
		for _, l := range strings.Split(scr, "\n") {
			ok := true
			for _, w := range want {
				ok = ok && strings.Contains(l, w)
			}
			if ok {
				return l, true
			}
		}
		return scr, false
	})
}

// TestDashboardLiveInTmux: the real binary, in a real terminal, follows
// the disk without a key: a repository changed in another terminal shows
// its new state, D finds a repository cloned after start, and SIGHUP
// leaves with the state cache written.
func TestDashboardLiveInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	// In parallel with the other tmux tests: each mostly waits on its
	// pane. TestMain isolates git for this process's helpers; the pane gets
	// a HOME and git configuration of its own through env(1) (gittest.Home).
	t.Parallel()
	bin := tmuxBinary(t)
	home, gitEnv := gittest.Home(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	ws := t.TempDir()
	for _, name := range []string{"acme/one", "acme/two"} {
		srv.CreateRepo(t, name)
	}
	one := filepath.Join(ws, "acme/one")
	srv.Clone(t, "acme/one", one)

	// The periodic refresh is off, so every change below can only come
	// through the watcher of .git (and the waits need no race with a
	// 30 s timer).
	gittest.WriteFile(t, home, ".config/mgit/config.yaml", "refresh_interval: \"off\"\n")
	if err := os.Chmod(filepath.Join(home, ".config/mgit/config.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := tmuxSession{t: t, socket: fmt.Sprintf("mgit-live-%d-%s", os.Getpid(), filepath.Base(t.TempDir()))}
	rcFile := filepath.Join(t.TempDir(), "rc")
	t.Cleanup(s.close)
	cmd := strings.Join(append(append([]string{"env"}, gitEnv...), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"), "TERM=xterm-256color", "SHELL=/bin/sh", "PS1='$ '",
		"sh", "-c", "'"+bin+" "+ws+"; echo $? >"+rcFile+"'"), " ")
	if out, err := s.run("-f", os.DevNull, "new-session", "-d", "-s", "mgit", "-x", "120", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	_, _ = s.run("set-option", "-t", "mgit", "remain-on-exit", "on")
	s.waitFor("status of 1 repository: 1 ok")
	s.waitLine("acme/one", "clean")

	// Another terminal stages a file: the row turns dirty with no key.
	gittest.WriteFile(t, one, "staged.txt", "x\n")
	gittest.Git(t, one, "add", "staged.txt")
	s.waitLine("acme/one", "dirty", "+1")
	// …and a commit on a new branch moves BRANCH.
	gittest.Git(t, one, "checkout", "-q", "-b", "topic-live")
	s.waitLine("acme/one", "topic-live")

	// A clone made after start appears on D, with its status read.
	srv.Clone(t, "acme/two", filepath.Join(ws, "acme/two"))
	s.keys("D")
	s.waitFor("rescan: 1 new, 0 gone", "2 repos")
	s.waitLine("acme/two", "clean", "main")

	// ! suspends the dashboard for a shell in the repository under the
	// cursor (acme/one, the first row); leaving it brings the dashboard
	// back with what was done there.
	s.keys("g", "!")
	s.waitLine("$") // the prompt (capture-pane drops the trailing space)
	s.keys("-l", "touch from-shell.txt && exit")
	s.keys("Enter")
	s.waitFor("back from the shell", "REPOSITORY")
	s.waitLine("acme/one", "?1")

	// SIGHUP (the terminal went away): mgit saves the state and leaves.
	pane, err := s.run("display-message", "-p", "-t", "mgit", "#{pane_pid}")
	if err != nil {
		t.Fatalf("pane pid: %v %s", err, pane)
	}
	out, err := exec.Command("pgrep", "-P", strings.TrimSpace(pane)).Output()
	if err != nil {
		t.Fatalf("pgrep: %v", err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	if got := s.waitExit(rcFile); got != "130" {
		t.Fatalf("mgit exited %s after SIGHUP, want 130\n%s", got, s.screen())
	}
	entries := state.Open(filepath.Join(home, "cache", "mgit"), zerolog.Nop()).Load(ws)
	if e := entries["acme/one"]; e.Status == nil || e.Status.Branch != "topic-live" || e.Status.Staged != 1 {
		t.Fatalf("cached acme/one: %+v", e.Status)
	}
	if e := entries["acme/two"]; e.Status == nil || e.Status.Branch != "main" {
		t.Fatalf("cached acme/two: %+v", e)
	}
}
