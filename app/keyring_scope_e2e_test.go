//go:build linux

package app

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestKeyringScopedPerConfigAndHome is issue 13's finding 2 through the
// real binary: keyring items are global per OS user, so under one uid a
// login with --config personal.yaml replaced the default configuration's
// token of the same provider name (which then went to the other server),
// and a fresh HOME that never logged in used another HOME's token. With
// the kernel keyring (shared by every HOME of the uid) and with one file
// keyring directory shared by two configurations, neither happens: each
// server only ever sees its own token.
func TestKeyringScopedPerConfigAndHome(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"keyctl", "file"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			keyringScoped(t, bin, backend)
		})
	}
}

func keyringScoped(t *testing.T, bin, backend string) {
	r := newRunner(t, bin)
	const tokA, tokB = "token-of-server-A-1234", "token-of-server-B-5678"
	git := gittest.NewServer(t, gittest.ServerOptions{Token: tokA})
	git.CreateRepo(t, "acme/app")
	apiA := newFakeGHE(t, tokA, git, "app")
	apiB := newFakeGHE(t, tokB, git, "app")

	var service [6]byte
	_, _ = rand.Read(service[:])
	svc := "mgit-e2e-" + hex.EncodeToString(service[:])
	t.Cleanup(func() { unlinkUserKeyring(t, svc) })
	shared := []string{"MGIT_KEYRING_BACKEND=" + backend, "MGIT_KEYRING_PASSWORD=scope-test-keyring-pw",
		"MGIT_KEYRING_SERVICE=" + svc, "XDG_DATA_HOME=" + filepath.Join(t.TempDir(), "data")}
	homeEnv := func() []string {
		h := t.TempDir()
		env := append([]string{"HOME=" + h}, shared...)
		for _, k := range []string{"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
			env = append(env, k+"="+filepath.Join(h, strings.ToLower(k)))
		}
		return env
	}
	home1, home2 := homeEnv(), homeEnv()
	if backend == "keyctl" {
		res := r.run(home1, "config", "list")
		if res.code != 0 || !strings.Contains(res.stdout+res.stderr, "No provider") {
			t.Skipf("keyctl unusable here: exit %d %s", res.code, res.stderr)
		}
	}
	personal := filepath.Join(r.dir, "personal.yaml")

	login := func(env []string, token string, args ...string) {
		t.Helper()
		res := r.runStdin(token+"\n", env, append([]string{"login", "--provider", "github", "--name", "work", "--token-stdin"}, args...)...)
		if res.code != 0 || !strings.Contains(res.stdout, backend+" keyring") {
			t.Fatalf("login %v: exit %d\n%s%s", args, res.code, res.stdout, res.stderr)
		}
	}
	login(home1, tokA, "--url", apiA.srv.URL)
	items := filepath.Join(envValue(shared, "XDG_DATA_HOME"), "mgit", "keyring", "*")
	itemsOfA, _ := filepath.Glob(items)
	login(home1, tokB, "--url", apiB.srv.URL, "--config", personal)
	t.Cleanup(func() {
		r.run(home1, "logout", "work")
		r.run(home1, "logout", "work", "--config", personal)
	})

	// The default configuration still lists with its own token.
	if res := r.run(home1, "list", "acme/*"); res.code != 0 || !strings.Contains(res.stdout, "acme/app") {
		t.Fatalf("list with the default configuration after a login under --config: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(home1, "list", "acme/*", "--config", personal); res.code != 0 {
		t.Fatalf("list with personal.yaml: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// A fresh HOME whose configuration names the same provider and server
	// but never logged in: no token, exit 3, nothing sent.
	cfg2 := filepath.Join(envValue(home2, "XDG_CONFIG_HOME"), "mgit", "config.yaml")
	if err := os.MkdirAll(filepath.Dir(cfg2), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, cfg2, "providers:\n  - name: work\n    type: github\n    url: "+apiA.srv.URL+"\n")
	apiA.mu.Lock()
	before := len(apiA.authHdr)
	apiA.mu.Unlock()
	res := r.run(home2, "list", "acme/*")
	if res.code != 3 || !strings.Contains(res.stderr, "mgit login --name work") {
		t.Fatalf("fresh HOME: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	apiA.mu.Lock()
	after := len(apiA.authHdr)
	apiA.mu.Unlock()
	if after != before {
		t.Fatalf("a HOME that never logged in sent %d requests", after-before)
	}

	// The second HOME logs in to server B under the same provider name:
	// the first HOME's token is neither replaced nor read — it still lists
	// from A and clones over git from A (whose git server takes only tokA),
	// and the second lists from B.
	login(home2, tokB, "--url", apiB.srv.URL)
	t.Cleanup(func() { r.run(home2, "logout", "work") })
	if res := r.run(home1, "list", "acme/*"); res.code != 0 || !strings.Contains(res.stdout, "acme/app") {
		t.Fatalf("first HOME after the second HOME's login: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(home1, "clone", "acme/*", filepath.Join(t.TempDir(), "ws")); res.code != 0 {
		t.Fatalf("first HOME's git clone after the second HOME's login: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res := r.run(home2, "list", "acme/*"); res.code != 0 || !strings.Contains(res.stdout, "acme/app") {
		t.Fatalf("second HOME: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}

	// Pointing the default configuration's provider at B by logging in
	// again deletes the item of server A: a token nobody refers to is one
	// nobody revokes.
	if backend == "file" {
		login(home1, tokB, "--url", apiB.srv.URL)
		if len(itemsOfA) != 1 {
			t.Fatalf("file keyring after the first login: %v", itemsOfA)
		}
		if _, err := os.Stat(itemsOfA[0]); !os.IsNotExist(err) {
			t.Fatalf("server A's item is still there after the provider moved to B: %v", err)
		}
	}

	// Each server saw only its own token.
	for _, c := range []struct {
		api   *fakeGHE
		wrong string
	}{{apiA, tokB}, {apiB, tokA}} {
		c.api.mu.Lock()
		for _, h := range c.api.authHdr {
			if strings.Contains(h, c.wrong) {
				t.Errorf("server %s received the other server's token", c.api.srv.URL)
			}
		}
		c.api.mu.Unlock()
	}
}

// unlinkUserKeyring removes the test's named keyring from the user's
// kernel keyring (none is fine).
func unlinkUserKeyring(t *testing.T, name string) {
	id, err := unix.KeyctlSearch(unix.KEY_SPEC_USER_KEYRING, "keyring", name, 0)
	if err != nil {
		return
	}
	if _, err := unix.KeyctlInt(unix.KEYCTL_UNLINK, id, unix.KEY_SPEC_USER_KEYRING, 0, 0); err != nil {
		t.Errorf("unlink keyring %s: %v", name, err)
	}
}
