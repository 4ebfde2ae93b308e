package secure

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// helperHome is a HOME whose gitconfig names a fake credential helper
// that answers for git.example.com only and records its environment, and
// a PATH with a fake gh that answers for github.com only.
func helperHome(t *testing.T) (m map[string]string, envLog string) {
	t.Helper()
	home := t.TempDir()
	bin := filepath.Join(home, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	envLog = filepath.Join(home, "helper-env.txt")
	helper := filepath.Join(bin, "fake-helper")
	writeExec(t, helper, `#!/bin/sh
env >> `+envLog+`
[ "$1" = get ] || exit 0
host=
while IFS= read -r line; do
  [ -z "$line" ] && break
  case "$line" in host=*) host=${line#host=};; esac
done
[ "$host" = git.example.com ] || exit 0
echo username=someone
echo password=helper-token-from-git
`)
	writeExec(t, filepath.Join(bin, "gh"), `#!/bin/sh
env >> `+envLog+`
if [ "$*" = "auth token --hostname github.com" ]; then echo gho_fakeGhToken123; exit 0; fi
echo "no oauth token found for $4" >&2; exit 1
`)
	writeExec(t, filepath.Join(bin, "hang"), "#!/bin/sh\nexec sleep 60\n")
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte("[credential]\n\thelper = "+helper+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"HOME": home, "PATH": bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		EnvBackend: BackendFile, EnvPassword: testPassword, "MGIT_TOKEN": "mgit-token-must-not-leak",
		"GITHUB_TOKEN_UNRELATED": "x", "GIT_CONFIG_NOSYSTEM": "1",
	}, envLog
}

func writeExec(t *testing.T, p, body string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestGitCredentialHelper(t *testing.T) {
	m, envLog := helperHome(t)
	s, red := newStore(t, m)
	ref := Ref{Name: "gt", Kind: "gitea", URL: "https://git.example.com", CredentialHelper: HelperGit, GitURL: "https://git.example.com"}
	tok, err := s.Lookup(ref)
	if err != nil || tok.Value != "helper-token-from-git" || tok.Source != "credential helper git" {
		t.Fatalf("Lookup = %q from %q, %v", tok.Value, tok.Source, err)
	}
	if red.Redact(tok.Value) != Mask {
		t.Fatal("helper token not registered with the redactor")
	}
	env, _ := os.ReadFile(envLog)
	for _, secret := range []string{testPassword, "mgit-token-must-not-leak"} {
		if strings.Contains(string(env), secret) {
			t.Fatalf("the credential helper's environment holds %q:\n%s", secret, env)
		}
	}
	if !strings.Contains(string(env), "GIT_TERMINAL_PROMPT=0") {
		t.Fatalf("helper ran without GIT_TERMINAL_PROMPT=0:\n%s", env)
	}
	// Another host: the helper has nothing, git may not prompt, and the
	// lookup fails at once with where it looked.
	other := ref
	other.Name, other.URL, other.GitURL = "other", "https://other.example.com", "https://other.example.com"
	start := time.Now()
	_, err = s.Lookup(other)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "git credential fill") {
		t.Fatalf("other host: %v", err)
	}
	if d := time.Since(start); d > helperTimeout {
		t.Fatalf("took %s: git waited for a prompt", d)
	}
}

func TestCredentialHelperComesLast(t *testing.T) {
	m, _ := helperHome(t)
	s, _ := newStore(t, m)
	ref := Ref{Name: "gt", Kind: "gitea", URL: "https://git.example.com", CredentialHelper: HelperGit, GitURL: "https://git.example.com"}
	if _, err := s.Set(ref, "from-keyring-token"); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.Lookup(ref); err != nil || tok.Value != "from-keyring-token" {
		t.Fatalf("keyring must beat the helper: %q, %v", tok.Value, err)
	}
	m["MGIT_TOKEN_GT"] = "from-env-token"
	if tok, err := s.Lookup(ref); err != nil || tok.Value != "from-env-token" {
		t.Fatalf("env must beat the helper: %q, %v", tok.Value, err)
	}
	// Not opted in: the helper is never asked.
	delete(m, "MGIT_TOKEN_GT")
	plain := Ref{Name: "plain", Kind: "gitea", URL: "https://git.example.com", GitURL: "https://git.example.com"}
	if _, err := s.Lookup(plain); !errors.Is(err, ErrNotFound) {
		t.Fatalf("provider without credential_helper: %v", err)
	}
}

func TestGHHelper(t *testing.T) {
	m, envLog := helperHome(t)
	m[EnvBackend] = BackendEnv
	s, red := newStore(t, m)
	ref := Ref{Name: "gh", Kind: "github", URL: "https://github.com", CredentialHelper: HelperGH, GitURL: "https://github.com"}
	tok, err := s.Lookup(ref)
	if err != nil || tok.Value != "gho_fakeGhToken123" || red.Redact(tok.Value) != Mask {
		t.Fatalf("Lookup = %q, %v", tok.Value, err)
	}
	if env, _ := os.ReadFile(envLog); !strings.Contains(string(env), "GH_PROMPT_DISABLED=1") || strings.Contains(string(env), "mgit-token-must-not-leak") {
		t.Fatalf("gh environment:\n%s", env)
	}
	ghe := Ref{Name: "ghe", Kind: "github", URL: "https://ghe.example.com", CredentialHelper: HelperGH, GitURL: "https://ghe.example.com"}
	if _, err := s.Lookup(ghe); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "no oauth token found for ghe.example.com") {
		t.Fatalf("gh for another host: %v", err)
	}
	m["PATH"] = t.TempDir()
	if _, err := s.Lookup(ref); err == nil || !strings.Contains(err.Error(), "gh is not on PATH") {
		t.Fatalf("without gh: %v", err)
	}
}

func TestHelperTimeout(t *testing.T) {
	m, _ := helperHome(t)
	m[EnvBackend] = BackendEnv
	s, _ := newStore(t, m)
	s.helperTimeout = 300 * time.Millisecond
	if _, err := s.runHelper("hang", nil, nil); err == nil || !strings.Contains(err.Error(), "did not answer within 300ms") {
		t.Fatalf("hanging helper: %v", err)
	}
}

func TestParseCredentialChecksHost(t *testing.T) {
	_, err := parseCredential([]byte("protocol=https\nhost=evil.example\nusername=u\npassword=p\n"), "https", "git.example.com")
	if err == nil {
		t.Fatal("an answer for another host was accepted")
	}
	if p, err := parseCredential([]byte("protocol=https\nhost=git.example.com\nusername=u\npassword=p\n"), "https", "git.example.com"); err != nil || p != "p" {
		t.Fatalf("= %q, %v", p, err)
	}
}

// TestHelperIgnoresWorkingDirectoryRepository: mgit runs inside
// repositories; one whose .git/config names a credential helper must not
// get it run.
func TestHelperIgnoresWorkingDirectoryRepository(t *testing.T) {
	m, _ := helperHome(t)
	m[EnvBackend] = BackendEnv
	repo := t.TempDir()
	marker := filepath.Join(t.TempDir(), "evil-ran")
	evil := filepath.Join(repo, "evil.sh")
	writeExec(t, evil, "#!/bin/sh\ntouch "+marker+"\n")
	cmd := exec.Command("git", "init", "-q", repo)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(repo, ".git", "config"), []byte("[credential]\n\thelper = "+evil+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(repo)
	s, _ := newStore(t, m)
	// A host the HOME's helper has nothing for, so git asks every helper.
	ref := Ref{Name: "o", Kind: "gitea", URL: "https://other.example.com", CredentialHelper: HelperGit, GitURL: "https://other.example.com"}
	if tok, err := s.Lookup(ref); err == nil || tok.Value != "" {
		t.Fatalf("Lookup = %q, %v", tok.Value, err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the working directory's repository's credential helper ran")
	}
}
