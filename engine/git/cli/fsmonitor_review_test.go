//go:build unix

package cli_test

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestFsmonitorHookNeverSeesTheToken: core.hooksPath=/dev/null keeps hooks
// out of the processes that hold the Authorization header, but `git fetch`
// also runs core.fsmonitor (it reads the index to look for submodules),
// and the usual value of that is a hook: .git/hooks/fsmonitor-watchman.
// It ran with GIT_CONFIG_VALUE_n = "Authorization: Basic <token>" in its
// environment. Now authConfig also sets core.fsmonitor=false.
func TestFsmonitorHookNeverSeesTheToken(t *testing.T) {
	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "s3cret"})
	seed := srv.CreateRepo(t, "r")
	dir := filepath.Join(t.TempDir(), "r")
	gittest.CloneAuth(t, srv.URL("r"), dir, "x-access-token", "s3cret")
	seen := filepath.Join(t.TempDir(), "seen")
	hook := filepath.Join(dir, ".git", "hooks", "fsmonitor-watchman")
	script := "#!/bin/sh\nenv >> '" + seen + "'\nprintf '\\0'\n"
	// The clone has no hooks directory with TestMain's empty template.
	if err := os.MkdirAll(filepath.Dir(hook), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hook, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "config", "core.fsmonitor", hook)
	gittest.Commit(t, seed, "f", "new", "upstream moves")
	gittest.Push(t, seed)

	creds := git.Credentials{Username: "x-access-token", Password: "s3cret"}
	if err := cli.New().Fetch(context.Background(), dir, git.FetchOptions{Auth: creds}); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if _, err := cli.New().Pull(context.Background(), dir, git.PullOptions{Auth: creds}); err != nil {
		t.Fatalf("pull: %v", err)
	}
	b, _ := os.ReadFile(seen)
	token := base64.StdEncoding.EncodeToString([]byte("x-access-token:s3cret"))
	if strings.Contains(string(b), token) || strings.Contains(string(b), "s3cret") {
		t.Fatal("core.fsmonitor ran with the token in its environment")
	}
}

// TestAlternateRefsCommandNeverSeesTheToken: in a repository with
// objects/info/alternates, git fetch runs core.alternateRefsCommand (a
// shell command from the repository's config) to list the alternate's
// refs, with the Authorization header in its environment. authConfig now
// overrides the command with git's default listing (alternateRefs, checked
// by TestAlternateRefsIsGitsDefaultListing).
func TestAlternateRefsCommandNeverSeesTheToken(t *testing.T) {
	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "s3cret"})
	seed := srv.CreateRepo(t, "r")
	dir := filepath.Join(t.TempDir(), "r")
	gittest.CloneAuth(t, srv.URL("r"), dir, "x-access-token", "s3cret")
	alt := t.TempDir()
	gittest.Git(t, alt, "init", "-q", "--bare", ".")
	if err := os.WriteFile(filepath.Join(dir, ".git", "objects", "info", "alternates"), []byte(filepath.Join(alt, "objects")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	seen := filepath.Join(t.TempDir(), "seen")
	cmd := filepath.Join(t.TempDir(), "alt.sh")
	if err := os.WriteFile(cmd, []byte("#!/bin/sh\nenv >> '"+seen+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, dir, "config", "core.alternateRefsCommand", cmd)
	gittest.Commit(t, seed, "f", "new", "upstream moves")
	gittest.Push(t, seed)
	creds := git.Credentials{Username: "x-access-token", Password: "s3cret"}
	if err := cli.New().Fetch(context.Background(), dir, git.FetchOptions{Auth: creds}); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	b, _ := os.ReadFile(seen)
	if strings.Contains(string(b), base64.StdEncoding.EncodeToString([]byte("x-access-token:s3cret"))) {
		t.Fatal("core.alternateRefsCommand ran with the token in its environment")
	}
}

// TestSubmoduleTransportNeverSeesTheToken: git fetch recurses into submodules
// with our configuration (the header included) in the environment, and a
// submodule's own config may point its remote at ext::<command> with
// protocol.ext.allow=always; git would run that command with the header
// in its environment. (The superproject's own URL cannot become ext::
// with the token: a [url] rewrite makes mgit ask git for the rewritten
// URL, and authConfig gives a non-http URL nothing.) authConfig sets
// protocol.ext.allow=never while a token is held, and fetch.recurseSubmodules
// =false: a submodule with a local URL runs its remote.origin.uploadpack,
// any command, and one with an ssh URL runs ssh and its ProxyCommand.
func TestSubmoduleTransportNeverSeesTheToken(t *testing.T) {
	t.Run("ext", func(t *testing.T) { submoduleTransportSeesNoToken(t, false) })
	t.Run("uploadpack", func(t *testing.T) { submoduleTransportSeesNoToken(t, true) })
}

func submoduleTransportSeesNoToken(t *testing.T, uploadPack bool) {
	gittest.Isolate(t)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: "s3cret"})
	seed := srv.CreateRepo(t, "r")
	dir := filepath.Join(t.TempDir(), "r")
	gittest.CloneAuth(t, srv.URL("r"), dir, "x-access-token", "s3cret")
	lib := filepath.Join(t.TempDir(), "lib")
	gittest.InitRepo(t, lib)
	gittest.Commit(t, lib, "l", "l\n", "lib")
	gittest.Git(t, dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "sub")
	gittest.Git(t, dir, "commit", "-q", "-m", "add sub")
	seen := filepath.Join(t.TempDir(), "seen")
	cmd := filepath.Join(t.TempDir(), "ext.sh")
	if err := os.WriteFile(cmd, []byte("#!/bin/sh\nenv >> '"+seen+"'\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if uploadPack {
		gittest.Git(t, sub, "config", "remote.origin.uploadpack", cmd)
	} else {
		gittest.Git(t, sub, "config", "protocol.ext.allow", "always")
		gittest.Git(t, sub, "remote", "set-url", "origin", "ext::"+cmd+" %S")
	}
	gittest.Git(t, dir, "config", "fetch.recurseSubmodules", "true")
	gittest.Commit(t, seed, "f", "new", "upstream moves")
	gittest.Push(t, seed)
	creds := git.Credentials{Username: "x-access-token", Password: "s3cret"}
	_ = cli.New().Fetch(context.Background(), dir, git.FetchOptions{Auth: creds})
	b, _ := os.ReadFile(seen)
	if strings.Contains(string(b), base64.StdEncoding.EncodeToString([]byte("x-access-token:s3cret"))) {
		t.Fatal("a submodule's transport command ran with the token in its environment")
	}
}
