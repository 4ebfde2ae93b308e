package ui

import (
	"errors"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/ui/components/repotable"
)

// toolDoneMsg is the editor or lazygit the user left, in the repository
// id; what names the tool for the status line.
type toolDoneMsg struct {
	id, what string
	err      error
}

// lazygitInstall says where lazygit comes from when it is not on PATH.
const lazygitInstall = "lazygit is not on PATH; install it (https://github.com/jesseduffield/lazygit#installation, e.g. brew install lazygit or go install github.com/jesseduffield/lazygit@latest)"

// editor suspends the dashboard for $VISUAL, else $EDITOR, else vi, opened
// on the repository under the cursor; the dashboard comes back when it
// exits and reads the row's status again.
func (m *model) editor() tea.Cmd {
	r := m.cloneCursor("edit")
	if r == nil {
		return nil
	}
	argv := strings.Fields(m.deps.editor)
	if len(argv) == 0 {
		argv = []string{"vi"}
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		m.status.Error("edit: no editor runs: " + argv[0] + " is not on PATH (set $VISUAL or $EDITOR)")
		return nil
	}
	// The editor gets the repository as its argument, as `$EDITOR .`.
	c := exec.Command(argv[0], append(argv[1:], ".")...)
	c.Dir = r.Path
	return m.runTool(c, r.ID, "the editor")
}

// lazygit suspends the dashboard for lazygit in the repository under the
// cursor, when lazygit is installed.
func (m *model) lazygit() tea.Cmd {
	r := m.cloneCursor("lazygit")
	if r == nil {
		return nil
	}
	bin, err := exec.LookPath("lazygit")
	if err != nil {
		m.status.Error(lazygitInstall)
		return nil
	}
	c := exec.Command(bin, "--path", r.Path)
	c.Dir = r.Path
	return m.runTool(c, r.ID, "lazygit")
}

// cloneCursor is the row under the cursor when it is cloned; otherwise it
// says so for the action what.
func (m *model) cloneCursor(what string) *repotable.Row {
	r := m.table.Cursor()
	if r == nil || !r.Cloned {
		m.status.Error(what + ": the repository is not cloned")
		return nil
	}
	return r
}

// runTool hands the terminal to c until it exits.
func (m *model) runTool(c *exec.Cmd, id, what string) tea.Cmd {
	return tea.ExecProcess(c, func(err error) tea.Msg { return toolDoneMsg{id: id, what: what, err: err} })
}

// toolDone reports how the tool ended and reads the row's status again:
// what the user did there shows at once.
func (m *model) toolDone(msg toolDoneMsg) tea.Cmd {
	var ee *exec.ExitError
	switch {
	case errors.As(msg.err, &ee):
		m.status.Error("back from " + msg.what + " (" + ee.ProcessState.String() + ")")
	case msg.err != nil:
		m.status.Error(msg.what + ": " + msg.err.Error())
	default:
		m.status.Info("back from " + msg.what)
	}
	if m.runner().refreshRow(msg.id) {
		return m.spin()
	}
	return nil
}

// editorOf is the editor command the environment names: $VISUAL, else
// $EDITOR ("" when neither is set: vi then).
func editorOf(getenv func(string) string) string {
	if v := getenv("VISUAL"); v != "" {
		return v
	}
	return getenv("EDITOR")
}
