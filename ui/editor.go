package ui

import (
	"errors"
	"os/exec"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mgit-dev/mgit/ui/components/repotable"
	"github.com/mgit-dev/mgit/ui/components/statusbar"
)

// toolDoneMsg is the editor or lazygit the user left, in the repository
// id; what names the tool for the status line.
type toolDoneMsg struct {
	id, what string
	err      error
}

// lazygitInstall says where lazygit comes from when it is not on PATH.
const lazygitInstall = "lazygit is not on PATH; install it (https://github.com/jesseduffield/lazygit#installation, e.g. brew install lazygit or go install github.com/jesseduffield/lazygit@latest)"

// tool suspends the dashboard for a program in the repository under the
// cursor (a shell, the editor, lazygit) when it is cloned; start makes
// the command, or says why none runs. what names the action.
func (m *model) tool(what string, start func(*repotable.Row) (tea.Cmd, error)) tea.Cmd {
	r := m.table.Cursor()
	if r == nil || !r.Cloned {
		m.status.Error(what + ": the repository is not cloned")
		return nil
	}
	cmd, err := start(r)
	if err != nil {
		m.status.Error(err.Error())
		return nil
	}
	return cmd
}

// editorCmd runs editor ($VISUAL, else $EDITOR, else vi) on the
// repository r; the dashboard comes back when it exits and reads the
// row's status again.
func editorCmd(r *repotable.Row, editor string) (tea.Cmd, error) {
	argv := strings.Fields(editor)
	if len(argv) == 0 {
		argv = []string{"vi"}
	}
	if _, err := exec.LookPath(argv[0]); err != nil {
		return nil, errors.New("edit: no editor runs: " + argv[0] + " is not on PATH (set $VISUAL or $EDITOR)")
	}
	// The editor gets the repository as its argument, as `$EDITOR .`.
	c := exec.Command(argv[0], append(argv[1:], ".")...)
	c.Dir = r.Path
	return runTool(c, r.ID, "the editor"), nil
}

// lazygitCmd runs lazygit in the repository r, when lazygit is
// installed.
func lazygitCmd(r *repotable.Row) (tea.Cmd, error) {
	bin, err := exec.LookPath("lazygit")
	if err != nil {
		return nil, errors.New(lazygitInstall)
	}
	c := exec.Command(bin, "--path", r.Path)
	c.Dir = r.Path
	return runTool(c, r.ID, "lazygit"), nil
}

// runTool hands the terminal to c until it exits.
func runTool(c *exec.Cmd, id, what string) tea.Cmd {
	return tea.ExecProcess(c, func(err error) tea.Msg { return toolDoneMsg{id: id, what: what, err: err} })
}

// toolDone says how the tool ended.
func toolDone(status *statusbar.Model, msg toolDoneMsg) {
	var ee *exec.ExitError
	switch {
	case errors.As(msg.err, &ee):
		status.Error("back from " + msg.what + " (" + ee.ProcessState.String() + ")")
	case msg.err != nil:
		status.Error(msg.what + ": " + msg.err.Error())
	default:
		status.Info("back from " + msg.what)
	}
}

// editorOf is the editor command the environment names: $VISUAL, else
// $EDITOR ("" when neither is set: vi then).
func editorOf(getenv func(string) string) string {
	if v := getenv("VISUAL"); v != "" {
		return v
	}
	return getenv("EDITOR")
}
