package cli_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// providerVars stand for the providers' token variables, which the
// credential store knows and the application wires in as SecretEnv.
var providerVars = []string{"GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITLAB_TOKEN",
	"AZURE_DEVOPS_EXT_PAT", "GITEA_TOKEN", "BITBUCKET_TOKEN"}

// TestHooksSeeNoSecret: hooks are code that a repository's owner or the
// machine's configuration controls. A post-checkout, post-merge and
// reference-transaction hook — from the repository's .git/hooks (through
// init.templateDir) and from core.hooksPath — dump their environment
// during an authenticated clone and pull; no secret may appear: not
// mgit's variables, not the providers' token variables, not the token git
// was given for the remote (in clear or as its base64 header).
func TestHooksSeeNoSecret(t *testing.T) {
	for _, where := range []string{"template .git/hooks", "core.hooksPath"} {
		t.Run(where, func(t *testing.T) {
			gittest.Isolate(t)
			secrets := map[string]string{}
			for _, k := range append([]string{"MGIT_TOKEN", "MGIT_TOKEN_WORK", "MGIT_KEYRING_PASSWORD"}, providerVars...) {
				secrets[k] = "secret-" + strings.ToLower(k) + "-9c41"
				t.Setenv(k, secrets[k])
			}
			token := secrets["MGIT_TOKEN"]
			srv := gittest.NewServer(t, gittest.ServerOptions{Token: token})
			seed := srv.CreateRepo(t, "team/app")

			// Hooks also run in the test's own git calls (the seed's
			// push); only those in the clone under test are recorded.
			dest := filepath.Join(t.TempDir(), "app")
			log := filepath.Join(t.TempDir(), "hooks.log")
			hooks := filepath.Join(t.TempDir(), "hooks")
			for _, h := range []string{"post-checkout", "post-merge", "reference-transaction"} {
				script := "#!/bin/sh\ncase \"$PWD\" in '" + dest + "'*) ;; *) exit 0 ;; esac\n" +
					"echo \"== " + h + "\" >> '" + log + "'\nenv >> '" + log + "'\ncat >/dev/null\n"
				gittest.WriteFile(t, hooks, h, script)
				if err := os.Chmod(filepath.Join(hooks, h), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if where == "core.hooksPath" {
				gittest.Git(t, "", "config", "--global", "core.hooksPath", hooks)
			} else {
				// The binary's empty template (TestMain's GIT_TEMPLATE_DIR)
				// would win over init.templateDir: unset while this runs.
				t.Setenv("GIT_TEMPLATE_DIR", "")
				os.Unsetenv("GIT_TEMPLATE_DIR")
				tmpl := t.TempDir()
				if err := os.Rename(hooks, filepath.Join(tmpl, "hooks")); err != nil {
					t.Fatal(err)
				}
				gittest.Git(t, "", "config", "--global", "init.templateDir", tmpl)
			}

			b := &cli.Backend{SecretEnv: func(k string) bool { return slices.Contains(providerVars, k) }}
			auth := git.Credentials{Username: "x-access-token", Password: token}
			if err := b.Clone(context.Background(), srv.URL("team/app"), dest, git.CloneOptions{Auth: auth}); err != nil {
				t.Fatalf("Clone: %v", err)
			}
			if got := gittest.ReadFile(t, dest, "README.md"); got != "# team/app\n" {
				t.Fatalf("README.md = %q after clone: the work tree was not checked out", got)
			}
			gittest.Commit(t, seed, "up.txt", "up\n", "upstream")
			gittest.Push(t, seed)
			if res, err := b.Pull(context.Background(), dest, git.PullOptions{Auth: auth}); err != nil || !res.Updated {
				t.Fatalf("Pull = %+v, %v", res, err)
			}

			dump := gittest.ReadFile(t, filepath.Dir(log), filepath.Base(log))
			for _, h := range []string{"== post-checkout", "== post-merge", "== reference-transaction"} {
				if !strings.Contains(dump, h) {
					t.Errorf("hook %q never ran: the test proves nothing for it", h)
				}
			}
			basic := base64.StdEncoding.EncodeToString([]byte(auth.Username + ":" + token))
			for k, v := range secrets {
				if strings.Contains(dump, v) {
					t.Errorf("a hook saw the value of %s", k)
				}
			}
			if strings.Contains(dump, basic) {
				t.Error("a hook saw the Authorization header (GIT_CONFIG_VALUE_n)")
			}
		})
	}
}
