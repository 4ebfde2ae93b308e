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
