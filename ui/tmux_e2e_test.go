package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// tmuxSession drives the built binary in a detached tmux server of its
// own and reads the screen with capture-pane.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func (s tmuxSession) run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	return string(out), err
}

// close kills the tmux server and waits for every process of the pane to
// exit: mgit saves its state cache on the SIGHUP, and t.TempDir's removal
// must not race with those writes (it failed a loaded run with "directory
// not empty"). The wait is for a condition; the bound only keeps a wedged
// process from hanging the suite.
func (s tmuxSession) close() {
	var pids []int
	if out, err := s.run("display-message", "-p", "-t", "mgit", "#{pane_pid}"); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(out)); err == nil {
			pids = descendants(pid)
		}
	}
	_, _ = s.run("kill-server")
	for i := 0; i < 1200 && anyAlive(pids); i++ {
		time.Sleep(50 * time.Millisecond)
	}
}

// descendants lists pid and every process below it, from /proc.
func descendants(pid int) []int {
	out := []int{pid}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, f := range strings.Fields(string(b)) {
		if c, err := strconv.Atoi(f); err == nil {
			out = append(out, descendants(c)...)
		}
	}
	return out
}

// anyAlive: a zombie counts as gone (it writes nothing, and PID 1 in a
// container may never reap it).
func anyAlive(pids []int) bool {
	for _, p := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		if i := strings.LastIndexByte(string(b), ')'); i > 0 && i+2 < len(b) && b[i+2] != 'Z' {
			return true
		}
	}
	return false
}

func (s tmuxSession) keys(keys ...string) {
	s.t.Helper()
	if out, err := s.run(append([]string{"send-keys", "-t", "mgit"}, keys...)...); err != nil {
		s.t.Fatalf("send-keys %v: %v %s", keys, err, out)
	}
}

func (s tmuxSession) screen() string {
	out, _ := s.run("capture-pane", "-p", "-t", "mgit")
	return out
}

// tmuxWait bounds every wait of the tmux tests. They wait for a
// condition, polling; the bound only turns a hang into a failure, so it is
// generous enough for a loaded 2-core machine.
const tmuxWait = 90 * time.Second

// poll calls check until it reports done, or fails at the bound with what
// it saw last (and the screen).
func (s tmuxSession) poll(what string, check func() (string, bool)) string {
	s.t.Helper()
	deadline := time.Now().Add(tmuxWait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		got, done := check()
		if done {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s never happened; last seen:\n%s\nscreen:\n%s", what, got, s.screen())
		}
		<-tick.C
	}
}

// waitExit polls for the exit status the pane's shell records.
func (s tmuxSession) waitExit(rcFile string) string {
	s.t.Helper()
	return s.poll("mgit's exit", func() (string, bool) {
		rc, err := os.ReadFile(rcFile)
		return strings.TrimSpace(string(rc)), err == nil && len(rc) > 0
	})
}

// waitFor polls the screen until every want appears.
func (s tmuxSession) waitFor(want ...string) string {
	s.t.Helper()
	return s.poll(fmt.Sprintf("a screen showing %q", want), func() (string, bool) {
		scr := s.screen()
		for _, w := range want {
			if !strings.Contains(scr, w) {
				return scr, false
			}
		}
		return scr, true
	})
}

func TestDashboardInTmux(t *testing.T) {
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

	// A workspace of three clones: clean, dirty, and one behind its
	// upstream (fetched, so its status knows).
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	ws := t.TempDir()
	seeds := map[string]string{}
	for _, name := range []string{"acme/clean", "acme/dirty", "acme/behind"} {
		seeds[name] = srv.CreateRepo(t, name)
		srv.Clone(t, name, filepath.Join(ws, name))
	}
	gittest.WriteFile(t, filepath.Join(ws, "acme/dirty"), "new.txt", "x\n")
	gittest.Commit(t, seeds["acme/behind"], "CHANGELOG", "v2\n", "Release v2")
	gittest.Push(t, seeds["acme/behind"])
	gittest.Git(t, filepath.Join(ws, "acme/behind"), "fetch")
	// acme/clean's upstream has the branch the checkout below creates.
	gittest.Git(t, seeds["acme/clean"], "checkout", "-q", "-b", "feature/e2e")
	upstreamTip := gittest.Commit(t, seeds["acme/clean"], "e2e.txt", "e2e\n", "Start e2e")
	gittest.Git(t, seeds["acme/clean"], "push", "-q", "origin", "feature/e2e")
	gittest.Git(t, filepath.Join(ws, "acme/clean"), "fetch", "-q")

	s := tmuxSession{t: t, socket: fmt.Sprintf("mgit-e2e-%d-%s", os.Getpid(), filepath.Base(t.TempDir()))}
	// The pane's shell records mgit's exit status in a file: tmux 3.3
	// sometimes reports a dead pane without its status or last output.
	rcFile := filepath.Join(t.TempDir(), "rc")
	t.Cleanup(s.close)
	cmd := strings.Join(append(append([]string{"env"}, gitEnv...), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"), "TERM=xterm-256color", "sh", "-c", "'"+bin+" "+ws+"; echo $? >"+rcFile+"'"), " ")
	if out, err := s.run("-f", os.DevNull, "new-session", "-d", "-s", "mgit", "-x", "120", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	_, _ = s.run("set-option", "-t", "mgit", "remain-on-exit", "on")

	scr := s.waitFor("3 repos", "status of 3 repositories: 3 ok")
	for _, want := range []string{"acme/clean", "acme/dirty", "acme/behind", "?1", "↓1"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("first screen lacks %q:\n%s", want, scr)
		}
	}

	// Filter to the behind repository, select it, pull.
	s.keys("/")
	s.keys("-l", "behind")
	s.waitFor("1/3 repos", "/behind")
	s.keys("Enter")
	s.keys("Space")
	s.waitFor("1 selected")
	s.keys("p")
	scr = s.waitFor("pull of 1 repository: 1 ok", "✓ pull")
	if strings.Contains(scr, "↓1") {
		t.Fatalf("still behind after pull:\n%s", scr)
	}

	// The detail pane of the pulled repository: the engine's inspect
	// brings the history, older commits included.
	s.keys("Up", "Enter")
	s.waitFor("acme/behind", "last op", "pull ok", "recent commits", "Release v2", "initial commit")
	s.keys("Escape")
	s.waitFor("REPOSITORY")

	// Create a branch across the selection: clear the filter, select all,
	// name the branch, read the preview, confirm.
	s.keys("Escape")
	s.waitFor(" 3 repos ·") // not "1/3 repos": the filter is gone
	s.keys("a")
	s.waitFor("3 selected")
	s.keys("b")
	s.waitFor("Check out which branch in 3 repositories?")
	s.keys("-l", "feature/e2e")
	s.keys("Enter")
	s.waitFor("Check out feature/e2e in 3 repositories?", "1 has local changes",
		"3 lack feature/e2e, to be created:", "1 from upstream, 2 from HEAD")
	s.keys("y")
	s.waitFor("checkout of 3 repositories: 3 ok", "✓ checkout")
	for _, name := range []string{"acme/clean", "acme/dirty", "acme/behind"} {
		if ref := gittest.Git(t, filepath.Join(ws, name), "symbolic-ref", "HEAD"); ref != "refs/heads/feature/e2e" {
			t.Errorf("%s: HEAD -> %s after checkout", name, ref)
		}
	}
	clean := filepath.Join(ws, "acme/clean")
	if up := gittest.Git(t, clean, "rev-parse", "--abbrev-ref", "@{upstream}"); up != "origin/feature/e2e" || gittest.Head(t, clean) != upstreamTip {
		t.Errorf("acme/clean: upstream %q at %s, want origin/feature/e2e at %s", up, gittest.Head(t, clean), upstreamTip)
	}
	if got := gittest.ReadFile(t, filepath.Join(ws, "acme/dirty"), "new.txt"); got != "x\n" {
		t.Errorf("acme/dirty lost its local file: %q", got)
	}

	s.keys("q")
	if got := s.waitExit(rcFile); got != "0" {
		t.Fatalf("mgit exited %s after q\n%s", got, s.screen())
	}
	// The state cache was written on exit.
	if files, _ := filepath.Glob(filepath.Join(home, "cache", "mgit", "workspaces", "*.json")); len(files) != 1 {
		t.Fatalf("state cache files: %v", files)
	}
}
