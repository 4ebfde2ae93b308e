package secure

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Credential helpers a provider may opt into (credential_helper in the
// configuration): the last source of the chain, after the environment
// and the keyring. People already hold tokens in git's credential helpers
// (Git Credential Manager, osxkeychain, libsecret) and in gh and glab.
const (
	HelperGit  = "git"  // git credential fill
	HelperGH   = "gh"   // gh auth token --hostname HOST
	HelperGLab = "glab" // glab config get token --host HOST
)

// Helpers lists the credential helpers, in the order help text names them.
func Helpers() []string { return []string{HelperGit, HelperGH, HelperGLab} }

// helperTimeout bounds a helper: one that waits for a prompt nobody will
// answer must not hang mgit.
const helperTimeout = 15 * time.Second

// helperEnv are the variables a helper keeps from mgit's environment:
// what it needs to find its configuration and the desktop's secret
// store, and none of mgit's secrets (MGIT_TOKEN*, the providers' token
// variables, MGIT_KEYRING_PASSWORD).
var helperEnv = []string{"PATH", "HOME", "USER", "LOGNAME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
	"DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM",
	"GIT_EXEC_PATH", "GH_CONFIG_DIR", "GLAB_CONFIG_DIR", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "APPDATA", "LOCALAPPDATA", "USERPROFILE"}

// HelperToken asks ref's credential helper (ref.CredentialHelper) for a
// token, skipping the environment and the keyring: login uses it to check
// the token a helper holds. The token is registered with the Redactor.
func (s *Store) HelperToken(ref Ref) (Token, error) {
	tok, err := s.helperToken(ref)
	s.emit(AuditEvent{Action: AuditCredentialRead, Provider: ref.Name, Source: tok.Source, Err: err})
	return tok, err
}

// helperToken asks ref's credential helper for a token for the host
// where git serves the provider (ref.GitURL). It never prompts: git runs
// with GIT_TERMINAL_PROMPT=0 and an empty GIT_ASKPASS, Git Credential
// Manager with GCM_INTERACTIVE=never, gh with GH_PROMPT_DISABLED; stdin
// is closed after the request and the helper is stopped after
// helperTimeout.
func (s *Store) helperToken(ref Ref) (Token, error) {
	u, err := url.Parse(ref.GitURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return Token{}, fmt.Errorf("credential helper %s: no git host for %s", ref.CredentialHelper, ref.Name)
	}
	var prog string
	var args []string
	var stdin []byte
	switch ref.CredentialHelper {
	case HelperGit:
		prog, args = "git", []string{"credential", "fill"}
		stdin = []byte("protocol=" + u.Scheme + "\nhost=" + u.Host + "\n\n")
	case HelperGH:
		prog, args = "gh", []string{"auth", "token", "--hostname", u.Host}
	case HelperGLab:
		prog, args = "glab", []string{"config", "get", "token", "--host", u.Host}
	default:
		return Token{}, fmt.Errorf("credential helper %q: unknown (want %s)", ref.CredentialHelper, strings.Join(Helpers(), ", "))
	}
	out, err := s.runHelper(prog, args, stdin)
	if err != nil {
		return Token{}, err
	}
	tok := strings.TrimSpace(string(out))
	if ref.CredentialHelper == HelperGit {
		tok, err = parseCredential(out, u.Scheme, u.Host)
		if err != nil {
			return Token{}, err
		}
	}
	if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return Token{}, fmt.Errorf("%s gave no token for %s", strings.Join(append([]string{prog}, args...), " "), u.Host)
	}
	s.redactor.Register(tok)
	return Token{Value: tok, Source: "credential helper " + ref.CredentialHelper}, nil
}

// parseCredential reads git credential fill's answer: the password, when
// the answer is for the protocol and host asked about.
func parseCredential(out []byte, scheme, host string) (string, error) {
	kv := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(strings.TrimRight(line, "\r"), "="); ok {
			kv[k] = v
		}
	}
	if kv["protocol"] != scheme || !strings.EqualFold(kv["host"], host) {
		return "", fmt.Errorf("git credential fill answered for %s://%s, not %s://%s", kv["protocol"], kv["host"], scheme, host)
	}
	return kv["password"], nil
}

// runHelper runs prog (found on the PATH of the store's environment) with
// the trimmed environment, writes stdin and closes it.
func (s *Store) runHelper(prog string, args []string, stdin []byte) ([]byte, error) {
	name := strings.Join(append([]string{prog}, args...), " ")
	path, err := lookPath(prog, s.getenv("PATH"))
	if err != nil {
		return nil, fmt.Errorf("credential helper: %s is not on PATH", prog)
	}
	timeout := s.helperTimeout
	if timeout == 0 {
		timeout = helperTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...) // #nosec G204 -- a fixed program and arguments; the host is from the configuration
	cmd.Env = []string{"GIT_TERMINAL_PROMPT=0", "GIT_ASKPASS=", "SSH_ASKPASS=", "GCM_INTERACTIVE=never",
		"GH_PROMPT_DISABLED=1", "GH_NO_UPDATE_NOTIFIER=1", "NO_COLOR=1", "GLAB_NO_PROMPT=1"}
	for _, k := range helperEnv {
		if v := s.getenv(k); v != "" {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	// Never in mgit's working directory: git would read that repository's
	// configuration, and a credential.helper there would run.
	cmd.Dir = filepath.VolumeName(os.TempDir()) + string(filepath.Separator)
	cmd.Stdin = bytes.NewReader(stdin) // EOF after the request
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s did not answer within %s", name, timeout)
	}
	if err != nil {
		msg := strings.TrimSpace(Sanitize(s.redactor.Redact(errb.String())))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		return nil, fmt.Errorf("%s: %w: %s", name, err, msg)
	}
	return out.Bytes(), nil
}

// lookPath finds an executable prog in the directories of pathEnv.
func lookPath(prog, pathEnv string) (string, error) {
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // never the current directory: it may be a repository's
		}
		p := filepath.Join(dir, prog)
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && (fi.Mode()&0o111 != 0 || runtime.GOOS == "windows") {
			return p, nil
		}
	}
	return "", errors.New("not found")
}
