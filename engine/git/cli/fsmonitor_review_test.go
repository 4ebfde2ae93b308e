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
// refs, with the Authorization header in its environment. Verified by hand
// with git 2.39; no fix yet: overriding the command on the command line
// must keep git's default listing, or fetches of repositories with
// alternates negotiate without their objects.
func TestAlternateRefsCommandNeverSeesTheToken(t *testing.T) {
	t.Skip("review: core.alternateRefsCommand runs during an authenticated fetch with the token in its environment (low: needs alternates and the user's own config)")
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
