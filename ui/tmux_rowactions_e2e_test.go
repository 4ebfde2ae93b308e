package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// waitFile polls for a file the fake tools write.
func (s tmuxSession) waitFile(path string) string {
	s.t.Helper()
	return s.poll(path+" written", func() (string, bool) {
		b, err := os.ReadFile(path)
		return string(b), err == nil && len(b) > 0
	})
}

// TestRowActionsInTmux: the real binary in a real terminal hands the
// terminal to $EDITOR and to lazygit (fakes on PATH that leave a marker)
// in the repository under the cursor and comes back with the row read
// again; l and d show the log and the diff, esc returns.
func TestRowActionsInTmux(t *testing.T) {
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

	ws := t.TempDir()
	repo := filepath.Join(ws, "acme", "app")
	gittest.InitRepo(t, repo)
	gittest.Commit(t, repo, "README", "hello\n", "First commit")
	gittest.Commit(t, repo, "README", "hello\nworld\n", "Second commit")

	// The fakes: the editor records where it ran and with what, and
	// leaves an untracked file, which the refreshed row must show.
	tools := t.TempDir()
	marks := t.TempDir()
	script := func(name, body string) {
		if err := os.WriteFile(filepath.Join(tools, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script("fake-editor", fmt.Sprintf("echo \"$PWD $*\" > %s/editor.tmp && mv %s/editor.tmp %s/editor\necho edited > new-by-editor.txt\n", marks, marks, marks))
	script("lazygit", fmt.Sprintf("echo \"$PWD $*\" > %s/lazygit.tmp && mv %s/lazygit.tmp %s/lazygit\n", marks, marks, marks))

	s := tmuxSession{t: t, socket: fmt.Sprintf("mgit-rowact-%d-%s", os.Getpid(), filepath.Base(t.TempDir()))}
	t.Cleanup(s.close)
	cmd := strings.Join(append(append([]string{"env"}, gitEnv...), "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_STATE_HOME="+filepath.Join(home, "state"), "TERM=xterm-256color",
		"PATH="+tools+":"+os.Getenv("PATH"), "EDITOR=fake-editor", "VISUAL=",
		bin, ws), " ")
	if out, err := s.run("-f", os.DevNull, "new-session", "-d", "-s", "mgit", "-x", "120", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux: %v %s", err, out)
	}
	s.waitFor("1 repos", "status of 1 repository: 1 ok")
	if l := s.waitLine("acme/app"); strings.Contains(l, "?1") {
		t.Fatalf("untracked before the editor ran: %s", l)
	}

	s.keys("e")
	if got := s.waitFile(filepath.Join(marks, "editor")); strings.TrimSpace(got) != repo+" ." {
		t.Fatalf("the editor ran as %q, want %q", got, repo+" .")
	}
	s.waitFor("back from the editor", "REPOSITORY")
	s.waitLine("acme/app", "?1") // the row was read again

	s.keys("L")
	if got := s.waitFile(filepath.Join(marks, "lazygit")); strings.TrimSpace(got) != repo+" --path "+repo {
		t.Fatalf("lazygit ran as %q", got)
	}
	s.waitFor("back from lazygit", "REPOSITORY")

	s.keys("l")
	s.waitFor("log · acme/app", "Second commit", "First commit")
	s.keys("Escape")
	s.waitFor("REPOSITORY")
	gittest.WriteFile(t, repo, "README", "hello\nthere\n")
	s.keys("d")
	s.waitFor("diff · acme/app", "── not staged ──", "-world", "+there")
	s.keys("Escape")
	s.waitFor("REPOSITORY", "acme/app")
	s.keys("q")
}
