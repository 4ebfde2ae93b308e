package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCloneSourceUserinfoRefused: `mgit clone URL` with any userinfo —
// a token of no known shape, a 40-hex Gitea token, a plain user name, a
// password in a URL that does not parse — exits 2 before anything runs,
// says to use mgit login, and neither stderr nor the audit log repeats it.
func TestCloneSourceUserinfoRefused(t *testing.T) {
	t.Parallel()
	const hex40 = "89abcdef0123456789abcdef0123456789abcdef"
	cases := map[string]string{
		"http://tok_5e4d3c2b1a@127.0.0.1:1/repo.git": "tok_5e4d3c2b1a",
		"https://" + hex40 + "@127.0.0.1:1/o/r.git":  hex40,
		"https://alice@127.0.0.1:1/o/r.git":          "alice",
		"https://alice:s3cret@127.0.0.1:bad/o/r.git": "s3cret",
	}
	for raw, secret := range cases {
		dir := t.TempDir()
		audit := filepath.Join(t.TempDir(), "audit.log")
		env := providerTestEnv(t)
		code, stdout, stderr := run(t, env, "--audit-log", audit, "clone", raw, dir)
		if code != 2 {
			t.Errorf("clone %q: exit %d, want 2\n%s%s", raw, code, stdout, stderr)
		}
		if !strings.Contains(stderr, "mgit login") {
			t.Errorf("clone %q: stderr does not say to use mgit login: %s", raw, stderr)
		}
		logged, _ := os.ReadFile(audit)
		for what, text := range map[string]string{"stdout": stdout, "stderr": stderr, "audit log": string(logged)} {
			if strings.Contains(text, secret) {
				t.Errorf("clone %q: %s repeats the userinfo: %s", raw, what, text)
			}
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("clone %q: created %v", raw, ents)
		}
	}
	// Every host is loopback: with the check missing, the clone would run.
	// ssh's user name is not an https userinfo: git@host:path passes the
	// URL checks (and fails later, at the network, with exit 1).
	code, _, stderr := run(t, providerTestEnv(t), "--git-backend", "cli", "clone", "git@127.0.0.1:o/r.git", t.TempDir())
	if code == 2 || strings.Contains(stderr, "user name or password") {
		t.Errorf("ssh git@host:path refused as userinfo: exit %d\n%s", code, stderr)
	}
}
