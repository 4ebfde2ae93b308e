package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestCredentialHelperEndToEnd: a provider that opts into git's
// credential helpers logs in with the token a helper (configured in the
// HOME's gitconfig) holds for its host, stores nothing in the keyring,
// and lists with it; a provider that does not opt in never asks.
func TestCredentialHelperEndToEnd(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	const token = "helper-held-T0KEN-4242"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: token})
	git.CreateRepo(t, "acme/app")
	api := newFakeGHE(t, token, git, "app")
	u, _ := url.Parse(api.srv.URL)

	home := t.TempDir()
	called := filepath.Join(home, "helper-called")
	helper := filepath.Join(home, "fake-helper")
	script := "#!/bin/sh\necho \"$1\" >> " + called + "\n[ \"$1\" = get ] || exit 0\n" +
		"while IFS= read -r l; do [ -z \"$l\" ] && break; case \"$l\" in host=*) h=${l#host=};; esac; done\n" +
		"[ \"$h\" = \"" + u.Host + "\" ] || exit 0\necho username=octo\necho password=" + token + "\n"
	if err := os.WriteFile(helper, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, ".gitconfig"), "[credential]\n\thelper = "+helper+"\n")
	env := []string{"HOME=" + home, "GIT_CONFIG_GLOBAL=", "XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"), "XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"MGIT_KEYRING_BACKEND=file", "MGIT_KEYRING_PASSWORD=helper-test-keyring-pw"}

	res := r.run(env, "login", "--provider", "github", "--name", "ghe", "--url", api.srv.URL, "--credential-helper", "git")
	if res.code != 0 || !strings.Contains(res.stdout, "credential helper git") {
		t.Fatalf("login --credential-helper git: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if files, _ := filepath.Glob(filepath.Join(home, "data", "mgit", "keyring", "*")); len(files) != 0 {
		t.Fatalf("login stored the helper's token: %v", files)
	}
	if cfg := mustRead(t, filepath.Join(home, "config", "mgit", "config.yaml")); !strings.Contains(cfg, "credential_helper: git") {
		t.Fatalf("config: %s", cfg)
	}
	res = r.run(env, "list", "acme/*")
	if res.code != 0 || !strings.Contains(res.stdout, "acme/app") {
		t.Fatalf("list with the helper's token: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, out := range r.outputs {
		if strings.Contains(out, token) {
			t.Fatalf("the helper's token was printed:\n%s", out)
		}
	}

	// Without the opt-in the helper is not asked.
	if err := os.Remove(called); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(home, "config", "mgit", "config.yaml"), "providers:\n  - name: ghe\n    type: github\n    url: "+api.srv.URL+"\n")
	if res := r.run(env, "list", "acme/*"); res.code != 3 {
		t.Fatalf("list without opt-in: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if _, err := os.Stat(called); !os.IsNotExist(err) {
		t.Fatal("the credential helper was asked for a provider that did not opt in")
	}
}
