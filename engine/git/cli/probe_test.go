package cli

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

func TestRemoteUnchanged(t *testing.T) {
	s, seed := serverRepo(t)
	b := New()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "app")
	if err := b.Clone(ctx, s.URL("org/app"), dir, git.CloneOptions{Auth: auth()}); err != nil {
		t.Fatal(err)
	}
	if !b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("a fresh clone should be proven up to date")
	}
	if b.remoteUnchanged(ctx, dir, git.Credentials{Username: "git", Password: "wrong"}, 0) {
		t.Fatal("a rejected token proved nothing")
	}

	// A new tag on a commit we already have: git would fetch the tag.
	gittest.Git(t, seed, "tag", "v1")
	gittest.Git(t, seed, "push", "-q", "origin", "v1")
	if b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("a new upstream tag went unnoticed")
	}
	if err := b.Fetch(ctx, dir, git.FetchOptions{Auth: auth(), Prune: true}); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, dir, "tag"); got != "v1" {
		t.Fatalf("tags after fetch: %q", got)
	}
	if !b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("up to date again after the fetch")
	}

	// A new commit upstream.
	gittest.Commit(t, seed, "b.txt", "b\n", "more")
	gittest.Push(t, seed)
	if b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("a new upstream commit went unnoticed")
	}
	if err := b.Fetch(ctx, dir, git.FetchOptions{Auth: auth(), Prune: true}); err != nil {
		t.Fatal(err)
	}

	// A branch deleted upstream leaves a stale tracking ref.
	gittest.Git(t, seed, "push", "-q", "origin", "HEAD:refs/heads/side")
	if err := b.Fetch(ctx, dir, git.FetchOptions{Auth: auth(), Prune: true}); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, seed, "push", "-q", "origin", ":refs/heads/side")
	if b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("a deleted upstream branch went unnoticed")
	}
	if err := b.Fetch(ctx, dir, git.FetchOptions{Auth: auth(), Prune: true}); err != nil { // prunes
		t.Fatal(err)
	}
	if !b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("up to date again after pruning")
	}

	// Settings the probe does not model send the question to git.
	gittest.Git(t, dir, "config", "http.sslVerify", "false")
	if b.remoteUnchanged(ctx, dir, auth(), 0) {
		t.Fatal("an [http] setting must leave the fetch to git")
	}
}

func TestDefaultRemoteURLInProcess(t *testing.T) {
	s, _ := serverRepo(t)
	b := New()
	dir := filepath.Join(t.TempDir(), "app")
	if err := b.Clone(context.Background(), s.URL("org/app"), dir, git.CloneOptions{Auth: auth()}); err != nil {
		t.Fatal(err)
	}
	want := gittest.Git(t, dir, "ls-remote", "--get-url")
	if got, ok := b.defaultRemoteURL(dir); !ok || got != want {
		t.Fatalf("defaultRemoteURL = %q, %v; git says %q", got, ok, want)
	}
	// A rewrite rule: git knows best.
	gittest.Git(t, dir, "config", "url.http://elsewhere/.insteadOf", "http://")
	if got, ok := b.defaultRemoteURL(dir); ok {
		t.Fatalf("with insteadOf: %q, want git to be asked", got)
	}
}
