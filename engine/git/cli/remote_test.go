package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

const testToken = "s3cret-token-xyz"

// serverRepo starts an authenticated server with repository "org/app" and
// returns it with the seed work tree used to push upstream commits.
func serverRepo(t *testing.T) (*gittest.Server, string) {
	t.Helper()
	gittest.Isolate(t)
	s := gittest.NewServer(t, gittest.ServerOptions{Token: testToken})
	return s, s.CreateRepo(t, "org/app")
}

func auth() git.Credentials { return git.Credentials{Username: "git", Password: testToken} }

func TestCloneFetchPullOverHTTP(t *testing.T) {
	s, seed := serverRepo(t)
	ctx := context.Background()
	b := New()
	dest := filepath.Join(t.TempDir(), "app")

	var mu sync.Mutex
	var phases []string
	progress := func(p git.Progress) {
		mu.Lock()
		defer mu.Unlock()
		phases = append(phases, p.Phase)
	}
	if err := b.Clone(ctx, s.URL("org/app"), dest, git.CloneOptions{Auth: auth(), Progress: progress}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(phases) == 0 {
		t.Error("no progress reported during clone")
	}
	mu.Unlock()
	if got := gittest.Git(t, dest, "remote", "get-url", "origin"); got != s.URL("org/app") {
		t.Errorf("origin = %q", got)
	}
	cfg, err := os.ReadFile(filepath.Join(dest, ".git", "config"))
	if err != nil || strings.Contains(string(cfg), "extraHeader") || strings.Contains(string(cfg), "Authorization") {
		t.Errorf(".git/config holds the credential or failed to read: %v\n%s", err, cfg)
	}

	// Fetch and pull a new upstream commit.
	from := gittest.Head(t, dest)
	to := gittest.Commit(t, seed, "n.txt", "n\n", "upstream change")
	gittest.Push(t, seed)
	if err := b.Fetch(ctx, dest, git.FetchOptions{Auth: auth(), Prune: true}); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, dest, "rev-parse", "origin/main"); got != to {
		t.Errorf("origin/main = %s, want %s", got, to)
	}
	res, err := b.Pull(ctx, dest, git.PullOptions{Auth: auth()})
	if err != nil {
		t.Fatal(err)
	}
	if res != (git.PullResult{Updated: true, From: from, To: to}) {
		t.Errorf("pull = %+v, want %s..%s", res, from, to)
	}
	res, err = b.Pull(ctx, dest, git.PullOptions{Auth: auth()})
	if err != nil || res.Updated || res.From != to || res.To != to {
		t.Errorf("second pull = %+v, %v", res, err)
	}
	if s.CredentialsInURL() {
		t.Error("the server saw credentials in a URL")
	}

	// A shallow clone of one branch.
	shallow := filepath.Join(t.TempDir(), "shallow")
	if err := b.Clone(ctx, s.URL("org/app"), shallow, git.CloneOptions{Auth: auth(), Depth: 1, Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if got := gittest.Git(t, shallow, "rev-list", "--count", "HEAD"); got != "1" {
		t.Errorf("shallow clone has %s commits", got)
	}
}

func TestRemoteErrorsAreClassified(t *testing.T) {
	s, _ := serverRepo(t)
	ctx := context.Background()
	b := New()
	for _, tc := range []struct {
		name string
		url  string
		auth git.Credentials
		want error
	}{
		{"no token", s.URL("org/app"), git.Credentials{}, git.ErrAuth},
		{"wrong token", s.URL("org/app"), git.Credentials{Username: "git", Password: "wrong-token"}, git.ErrAuth},
		{"missing repository", s.URL("org/missing"), auth(), git.ErrRepoNotFound},
		{"refused", "http://127.0.0.1:1/x.git", auth(), git.ErrNetwork},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			err := b.Clone(ctx, tc.url, filepath.Join(t.TempDir(), "d"), git.CloneOptions{Auth: tc.auth})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v: something waited for a prompt", d)
			}
			if strings.Contains(err.Error(), "wrong-token") || strings.Contains(err.Error(), testToken) {
				t.Errorf("credential in error: %v", err)
			}
		})
	}
}

func TestPullRefusals(t *testing.T) {
	s, seed := serverRepo(t)
	ctx := context.Background()
	b := New()
	dest := filepath.Join(t.TempDir(), "app")
	s.Clone(t, "org/app", dest)

	// Not a fast-forward: local and upstream both moved.
	local := gittest.Commit(t, dest, "local.txt", "l\n", "local")
	gittest.Commit(t, seed, "up.txt", "u\n", "upstream")
	gittest.Push(t, seed)
	_, err := b.Pull(ctx, dest, git.PullOptions{Auth: auth()})
	if !errors.Is(err, git.ErrNotFastForward) {
		t.Fatalf("diverged pull: %v, want ErrNotFastForward", err)
	}
	if got := gittest.Head(t, dest); got != local {
		t.Errorf("HEAD moved to %s", got)
	}

	// Local changes in the way of a fast-forward.
	gittest.Git(t, dest, "reset", "-q", "--hard", "HEAD~1")
	gittest.WriteFile(t, dest, "up.txt", "mine\n")
	before := gittest.Head(t, dest)
	_, err = b.Pull(ctx, dest, git.PullOptions{Auth: auth()})
	if !errors.Is(err, git.ErrLocalChanges) {
		t.Fatalf("pull over local file: %v, want ErrLocalChanges", err)
	}
	if got := gittest.ReadFile(t, dest, "up.txt"); got != "mine\n" || gittest.Head(t, dest) != before {
		t.Errorf("local work touched: up.txt=%q", got)
	}
	os.Remove(filepath.Join(dest, "up.txt"))

	// No upstream, and detached HEAD.
	gittest.Git(t, dest, "checkout", "-q", "-b", "solo")
	if _, err := b.Pull(ctx, dest, git.PullOptions{Auth: auth()}); !errors.Is(err, git.ErrNoUpstream) {
		t.Errorf("pull without upstream: %v", err)
	}
	gittest.Git(t, dest, "checkout", "-q", "--detach")
	if _, err := b.Pull(ctx, dest, git.PullOptions{Auth: auth()}); !errors.Is(err, git.ErrNoUpstream) {
		t.Errorf("pull detached: %v", err)
	}
	// Tracking a branch that does not exist upstream.
	gittest.Git(t, dest, "checkout", "-q", "-b", "gone")
	gittest.Git(t, dest, "config", "branch.gone.remote", "origin")
	gittest.Git(t, dest, "config", "branch.gone.merge", "refs/heads/gone")
	_, err = b.Pull(ctx, dest, git.PullOptions{Auth: auth()})
	if !errors.Is(err, git.ErrNoUpstream) || !strings.Contains(err.Error(), "gone") {
		t.Errorf("pull with upstream gone: %v", err)
	}
}

func TestPullRebase(t *testing.T) {
	s, seed := serverRepo(t)
	ctx := context.Background()
	b := New()
	dest := filepath.Join(t.TempDir(), "app")
	s.Clone(t, "org/app", dest)
	gittest.Commit(t, dest, "local.txt", "l\n", "local")
	up := gittest.Commit(t, seed, "up.txt", "u\n", "upstream")
	gittest.Push(t, seed)

	// Dirty tree: refused, nothing changed.
	gittest.WriteFile(t, dest, "README.md", "dirty\n")
	before := gittest.Head(t, dest)
	if _, err := b.Pull(ctx, dest, git.PullOptions{Auth: auth(), Rebase: true}); !errors.Is(err, git.ErrLocalChanges) {
		t.Fatalf("rebase on dirty tree: %v, want ErrLocalChanges", err)
	}
	if gittest.Head(t, dest) != before || gittest.ReadFile(t, dest, "README.md") != "dirty\n" {
		t.Fatal("refused rebase changed the repository")
	}
	gittest.Git(t, dest, "checkout", "-q", "--", "README.md")

	res, err := b.Pull(ctx, dest, git.PullOptions{Auth: auth(), Rebase: true})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Updated || res.From != before || gittest.Git(t, dest, "rev-parse", "HEAD~1") != up {
		t.Errorf("rebase result %+v; HEAD~1 should be %s", res, up)
	}

	// A conflicting rebase is aborted: HEAD, files and state as before.
	gittest.Commit(t, dest, "c.txt", "mine\n", "mine")
	gittest.Commit(t, seed, "c.txt", "theirs\n", "theirs")
	gittest.Push(t, seed)
	before = gittest.Head(t, dest)
	_, err = b.Pull(ctx, dest, git.PullOptions{Auth: auth(), Rebase: true})
	if !errors.Is(err, git.ErrNotFastForward) || !strings.Contains(err.Error(), "aborted") {
		t.Fatalf("conflicting rebase: %v", err)
	}
	if gittest.Head(t, dest) != before || gittest.ReadFile(t, dest, "c.txt") != "mine\n" {
		t.Error("aborted rebase left changes")
	}
	for _, d := range []string{"rebase-merge", "rebase-apply"} {
		if _, err := os.Stat(filepath.Join(dest, ".git", d)); err == nil {
			t.Errorf(".git/%s left behind", d)
		}
	}
	if st, err := b.Status(ctx, dest); err != nil || st.Dirty() || st.Branch != "main" {
		t.Errorf("status after aborted rebase: %+v, %v", st, err)
	}
}

// TestCancelStopsGit cancels a clone stalled mid-transfer: the call returns
// promptly with the context's error and no git process is left.
func TestCancelStopsGit(t *testing.T) {
	s, seed := serverRepo(t)
	for i := range 20 {
		gittest.Commit(t, seed, "f"+string(rune('a'+i)), strings.Repeat("x", 10000+i), "c")
	}
	gittest.Push(t, seed)
	entered, release := s.StallPack()
	defer release()
	b := New()
	ctx, cancel := context.WithCancel(context.Background())
	dest := filepath.Join(t.TempDir(), "cancelled-clone")
	done := make(chan error, 1)
	go func() { done <- b.Clone(ctx, s.URL("org/app"), dest, git.CloneOptions{Auth: auth()}) }()
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("clone finished before the stall: %v", err)
	}
	cancel()
	start := time.Now()
	err := <-done
	if d := time.Since(start); d > time.Second {
		t.Errorf("clone took %v to stop", d)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if procs := append(processesMentioning(t, dest), processesMentioning(t, s.URL("org/app"))...); len(procs) > 0 {
		t.Errorf("processes still running: %q", procs)
	}
}

// processesMentioning lists command lines in /proc that contain s.
func processesMentioning(t *testing.T, s string) []string {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Skip("no /proc")
	}
	var found []string
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), s) {
			found = append(found, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

// TestNoPromptEvenWithAskpassConfigured: a user's core.askPass (a GUI
// prompt, say) must never run; the missing credential is an auth error.
func TestNoPromptEvenWithAskpassConfigured(t *testing.T) {
	s, _ := serverRepo(t)
	dir := t.TempDir()
	marker := filepath.Join(dir, "asked")
	script := filepath.Join(dir, "askpass.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\necho x\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	gittest.Git(t, "", "config", "--global", "core.askPass", script)
	t.Setenv("SSH_ASKPASS", script)
	t.Setenv("DISPLAY", ":0")
	err := New().Clone(context.Background(), s.URL("org/app"), filepath.Join(dir, "d"), git.CloneOptions{})
	if !errors.Is(err, git.ErrAuth) {
		t.Errorf("err = %v, want ErrAuth", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the askpass program was run")
	}
}

func TestAvailable(t *testing.T) {
	if err := Available(context.Background()); err != nil {
		t.Errorf("Available: %v (git %s)", err, gittest.Git(t, "", "version"))
	}
}
