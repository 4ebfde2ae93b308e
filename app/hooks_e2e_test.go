package app

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
)

// TestHooksInheritNoSecret: the binary, with every secret variable mgit
// reads set, clones and pulls with the git CLI; a post-checkout, post-merge
// and reference-transaction hook under core.hooksPath dump their
// environment. None of the values may appear, nor the token's base64
// header: hooks are code the machine's or a repository's owner controls.
func TestHooksInheritNoSecret(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	secrets := map[string]string{}
	for _, k := range []string{"MGIT_TOKEN", "MGIT_TOKEN_WORK", "MGIT_KEYRING_PASSWORD", "MGIT_KEYRING_OLD_PASSWORD", "GITHUB_TOKEN", "GH_TOKEN",
		"GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITLAB_TOKEN", "AZURE_DEVOPS_EXT_PAT", "GITEA_TOKEN", "BITBUCKET_TOKEN"} {
		secrets[k] = "hook-secret-" + strings.ToLower(k) + "-71b"
		r.env = append(r.env, k+"="+secrets[k])
	}
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: secrets["MGIT_TOKEN"]})
	seed := srv.CreateRepo(t, "acme/app")

	dest := filepath.Join(r.dir, "app")
	log := filepath.Join(t.TempDir(), "hooks.log")
	hooks := filepath.Join(t.TempDir(), "hooks")
	for _, h := range []string{"post-checkout", "post-merge", "reference-transaction"} {
		// Only hooks in the clone under mgit count (the seed's push runs
		// them too, with the test's own environment).
		script := "#!/bin/sh\ncase \"$PWD\" in '" + dest + "'*) ;; *) exit 0 ;; esac\n" +
			"echo '== " + h + "' >> '" + log + "'\nenv >> '" + log + "'\ncat >/dev/null\n"
		gittest.WriteFile(t, hooks, h, script)
		if err := os.Chmod(filepath.Join(hooks, h), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The global configuration of this test's HOME (not the package's).
	gittest.GitEnv(t, "", []string{"GIT_CONFIG_GLOBAL=" + envValue(r.env, "GIT_CONFIG_GLOBAL")},
		"config", "--global", "core.hooksPath", hooks)
	r.env = append(r.env, "MGIT_KEYRING_BACKEND=env", "XDG_CONFIG_HOME="+t.TempDir(), "XDG_CACHE_HOME="+t.TempDir(), "XDG_STATE_HOME="+t.TempDir())

	g := []string{"--git-backend", "cli", "--no-tui"}
	if res := r.run(nil, append(g, "clone", srv.URL("acme/app"), dest)...); res.code != 0 {
		t.Fatalf("clone: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	gittest.Commit(t, seed, "new.txt", "new\n", "upstream change")
	gittest.Push(t, seed)
	if res := r.run(nil, append(g, "pull", dest)...); res.code != 0 {
		t.Fatalf("pull: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	work := filepath.Join(dest, strings.ReplaceAll(hostOf(srv.URL("acme/app")), ":", "_"), "acme", "app")
	if got := gittest.ReadFile(t, work, "new.txt"); got != "new\n" {
		t.Fatalf("new.txt = %q: the pull did not merge", got)
	}

	dump := mustRead(t, log)
	for _, h := range []string{"== post-checkout", "== post-merge", "== reference-transaction"} {
		if !strings.Contains(dump, h) {
			t.Errorf("hook %q never ran: the test proves nothing for it", h)
		}
	}
	for k, v := range secrets {
		if strings.Contains(dump, v) {
			t.Errorf("a hook saw the value of %s", k)
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte(provider.DefaultGitUser + ":" + secrets["MGIT_TOKEN"]))
	if strings.Contains(dump, basic) {
		t.Error("a hook saw the Authorization header")
	}
}
