package gogit_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// TestMirrorOfEmptyRepositoryIsBare compares go-git's mirror of an empty
// upstream with what `git clone --mirror` makes of it: a bare repository
// (no work tree, no .git directory) whose origin maps every ref onto
// itself. Then the upstream gets its first commit and a Fetch of the
// mirror must bring it in as refs/heads/main, as git's mirror would.
func TestMirrorOfEmptyRepositoryIsBare(t *testing.T) {
	srv, creds := server(t)
	gittest.Git(t, "", "init", "-q", "--bare", "-b", "main", srv.BareDir("empty"))
	gittest.Git(t, srv.BareDir("empty"), "config", "http.receivepack", "true")
	base := t.TempDir()
	want := filepath.Join(base, "git.git")
	gittest.GitEnv(t, "", gittest.AuthEnv("git", token), "clone", "-q", "--mirror", srv.URL("empty"), want)
	got := filepath.Join(base, "gogit.git")
	if err := gogit.New().Clone(context.Background(), srv.URL("empty"), got, git.CloneOptions{Auth: creds, Mirror: true}); err != nil {
		t.Fatalf("mirror clone: %v", err)
	}

	for _, q := range [][]string{
		{"rev-parse", "--is-bare-repository"},
		{"config", "--get", "core.bare"},
		{"config", "--get", "remote.origin.url"},
		{"config", "--get-all", "remote.origin.fetch"},
		{"config", "--bool", "--get", "remote.origin.mirror"},
	} {
		w, g := gittest.Git(t, want, q...), gittest.Git(t, got, q...)
		if w != g {
			t.Errorf("git %v: go-git mirror says %q, git's says %q", q, g, w)
		}
	}
	if b := gittest.Git(t, got, "rev-parse", "--is-bare-repository"); b != "true" {
		t.Fatalf("go-git mirror is not bare: %q", b)
	}
	for _, p := range []string{".git", "README.md"} {
		if _, err := os.Stat(filepath.Join(got, p)); !os.IsNotExist(err) {
			t.Errorf("%s in a bare mirror: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(got, "HEAD")); err != nil {
		t.Errorf("no HEAD at the top of the bare mirror: %v", err)
	}
	noSecretOnDisk(t, got)

	// The upstream's first commit arrives through the mirror's refspec.
	seed := filepath.Join(base, "seed")
	gittest.InitRepo(t, seed)
	head := gittest.Commit(t, seed, "README.md", "# first\n", "first")
	gittest.GitEnv(t, seed, gittest.AuthEnv("git", token), "push", "-q", srv.URL("empty"), "main")
	if err := gogit.New().Fetch(context.Background(), got, git.FetchOptions{Auth: creds, Prune: true}); err != nil {
		t.Fatalf("fetch into the mirror: %v", err)
	}
	if g := gittest.Git(t, got, "rev-parse", "refs/heads/main"); g != head {
		t.Errorf("mirror refs/heads/main = %q, want %q", g, head)
	}
	if out, _ := gittest.TryGit(got, "for-each-ref", "refs/remotes"); out != "" {
		t.Errorf("a mirror keeps no remote-tracking refs, got %q", out)
	}
}
