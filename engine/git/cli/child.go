package cli

import (
	"os/exec"
	"strings"
)

// RunChild runs cmd the way every git process runs here, for the engine's
// other child processes (mgit exec): in a session and process group of its
// own, with no controlling terminal (nothing it starts can prompt), and —
// on unix — cancelling its context sends SIGTERM to the whole group and
// SIGKILL shortly after, so a shell and everything it started stop within
// a second, not only the process we forked. On Linux the child also dies
// with mgit. cmd must be made with exec.CommandContext; its Cancel and
// SysProcAttr are set here.
func RunChild(cmd *exec.Cmd) error {
	group := newProcGroup(cmd)
	err := runLocked(cmd.Run)
	group.finished()
	return err
}

// ChildEnv returns base without mgit's secrets, by the same rule as git's
// environment (see secretEnv): every MGIT_* variable and every variable
// secret reports (the providers' token variables). The engine's other
// child processes get it, so a command mgit runs sees no token of mgit's.
func ChildEnv(base []string, secret func(string) bool) []string {
	env := make([]string, 0, len(base))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if secretEnv(k, secret) {
			continue
		}
		env = append(env, kv)
	}
	return env
}
