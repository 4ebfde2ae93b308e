package cli

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
)

// command is one git invocation, fully prepared: argv and the complete
// environment. Building it is pure (see Backend.command), so tests can check
// exactly what git would receive without running it.
type command struct {
	dir      string
	args     []string // after "git"
	env      []string // the whole environment of the process
	progress git.ProgressFunc
}

// output is what a finished git process left behind.
type output struct {
	stdout []byte
	// stderr holds git's messages without progress updates, capped in size.
	stderr string
}

// runner runs git. The real one execs the binary; tests substitute a fake
// that records commands.
type runner interface {
	run(ctx context.Context, c command) (output, error)
}

// cmdOpts are the per-call choices that shape the environment.
type cmdOpts struct {
	// readOnly sets GIT_OPTIONAL_LOCKS=0 so a background status sweep
	// never takes index.lock away from the user's own git.
	readOnly bool
	// ceiling stops git from searching parent directories for a
	// repository: dir must be a repository itself, not a folder inside
	// someone else's (a home directory kept in git, say).
	ceiling bool
	// config entries passed through GIT_CONFIG_COUNT (never argv).
	config   [][2]string
	progress git.ProgressFunc
	// extraEnv entries are added last (GIT_REFLOG_ACTION, say).
	extraEnv []string
	// secrets are scrubbed from any stderr kept for error messages.
	secrets []string
	// remote and auth are set when git talks to remote with credentials,
	// so that a redirect git refused can be explained (movedError).
	remote string
	auth   git.Credentials
}

// withAuth scopes credentials for remoteURL into o (see authConfig).
func (o cmdOpts) withAuth(remoteURL string, c git.Credentials) cmdOpts {
	o.config, o.secrets = authConfig(remoteURL, c)
	if o.config != nil {
		o.remote, o.auth = remoteURL, c
	}
	return o
}

// dropped reports inherited variables that would redirect git to another
// repository, let it prompt, or change its language; we set our own.
func dropped(k string) bool {
	switch k {
	case "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
		"GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
		"GIT_PREFIX", "GIT_CEILING_DIRECTORIES", "GIT_OPTIONAL_LOCKS",
		"GIT_TERMINAL_PROMPT", "GIT_ASKPASS", "SSH_ASKPASS", "SSH_ASKPASS_REQUIRE",
		"GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_MERGE_AUTOEDIT", "LC_ALL", "LANGUAGE":
		return true
	}
	return false
}

// secretEnv reports inherited variables that must reach neither git nor
// anything git starts — hooks (.git/hooks, core.hooksPath), filters, helpers
// — all of which upstream or a cloned repository's owner may control:
// every MGIT_* variable (MGIT_TOKEN, MGIT_TOKEN_<NAME>,
// MGIT_KEYRING_PASSWORD; git needs none of mgit's settings, so this is a
// rule rather than a list to keep in step) and whatever extra reports (the
// providers' conventional token variables, GITHUB_TOKEN and the like, known
// to the credential store and wired in through Backend.SecretEnv). A token
// reaches git only through authConfig, scoped to its origin.
func secretEnv(k string, extra func(string) bool) bool {
	return strings.HasPrefix(strings.ToUpper(k), "MGIT_") || (extra != nil && extra(k))
}

// batchSSH makes ssh fail instead of asking for a passphrase, password or
// host-key confirmation.
const batchSSH = "ssh -o BatchMode=yes"

// buildEnv derives the environment of one git process from the inherited
// one. Prompts are impossible: GIT_TERMINAL_PROMPT=0, an empty GIT_ASKPASS
// (which also overrides core.askPass and SSH_ASKPASS in git), ssh in batch
// mode with askpass disabled, a no-op editor, and — on unix — a new session
// without a controlling terminal. Secrets (secretEnv with secret) are left
// out.
func buildEnv(base []string, dir string, o cmdOpts, secret func(string) bool) []string {
	env := make([]string, 0, len(base)+16)
	count := 0
	userSSH := false
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case dropped(k), secretEnv(k, secret):
			continue
		case k == "GIT_CONFIG_COUNT":
			// Keep the caller's entries and append ours after them;
			// an unusable count is dropped (git would refuse it).
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				count = n
			}
			continue
		case k == "GIT_SSH_COMMAND" || k == "GIT_SSH":
			userSSH = true
		}
		env = append(env, kv)
	}
	env = append(env,
		"GIT_TERMINAL_PROMPT=0",
		"GIT_ASKPASS=",
		"SSH_ASKPASS=",
		"SSH_ASKPASS_REQUIRE=never",
		"GIT_EDITOR=:",
		"GIT_SEQUENCE_EDITOR=:",
		"GIT_MERGE_AUTOEDIT=no",
		"LC_ALL=C",
	)
	if !userSSH {
		env = append(env, "GIT_SSH_COMMAND="+batchSSH)
	}
	if o.readOnly {
		env = append(env, "GIT_OPTIONAL_LOCKS=0")
	}
	if o.ceiling && dir != "" {
		env = append(env, "GIT_CEILING_DIRECTORIES="+filepath.Dir(filepath.Clean(dir)))
	}
	for i, kv := range o.config {
		n := strconv.Itoa(count + i)
		env = append(env, "GIT_CONFIG_KEY_"+n+"="+kv[0], "GIT_CONFIG_VALUE_"+n+"="+kv[1])
	}
	if count+len(o.config) > 0 {
		env = append(env, "GIT_CONFIG_COUNT="+strconv.Itoa(count+len(o.config)))
	}
	return append(env, o.extraEnv...)
}

// execRunner runs the git binary at path.
type execRunner struct {
	path string
}

func (r execRunner) run(ctx context.Context, c command) (output, error) {
	cmd := exec.CommandContext(ctx, r.path, c.args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	cmd.Stdin = nil // /dev/null: nothing can be read from us
	var stdout bytes.Buffer
	sink := newStderrSink(c.progress)
	cmd.Stdout = &stdout
	cmd.Stderr = sink
	group := newProcGroup(cmd)
	err := runLocked(cmd.Run)
	group.finished()
	sink.flush()
	return output{stdout: stdout.Bytes(), stderr: sink.String()}, err
}
