package conformance

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// prompt is how long an authentication or network failure may take: far
// below opTimeout, so a backend that waits for a prompt or retries on its
// own is caught.
const prompt = 5 * time.Second

func (s *suite) clone(t *testing.T) {
	cloneSuccess(t, s)
	cloneFailures(t, s)
	cloneInterrupted(t, s)
}

// cloneSuccess covers clones that succeed: plain, shallow and of a branch.
func cloneSuccess(t *testing.T, s *suite) {
	t.Run("with token", func(t *testing.T) {
		f := s.newRemote(t)
		want := f.upstreamCommit("src/main.go", "package main\n", "add main")
		dest := filepath.Join(t.TempDir(), "app")
		if err := f.b.Clone(ctx(t), f.srv.URL(repo), dest, git.CloneOptions{Auth: f.auth}); err != nil {
			t.Fatalf("Clone: %v", err)
		}
		if got := gittest.Head(t, dest); got != want {
			t.Errorf("HEAD = %s, want %s", got, want)
		}
		for file, content := range map[string]string{"README.md": "# team/app\n", "src/main.go": "package main\n"} {
			if got := gittest.ReadFile(t, dest, file); got != content {
				t.Errorf("%s = %q, want %q", file, got, content)
			}
		}
		if got := gittest.Git(t, dest, "remote", "get-url", "origin"); got != f.srv.URL(repo) {
			t.Errorf("origin URL = %q, want %q", got, f.srv.URL(repo))
		}
		cfg := gittest.ReadFile(t, dest, ".git/config")
		if strings.Contains(cfg, token) || strings.Contains(cfg, "@127.0.0.1") {
			t.Errorf(".git/config holds a credential:\n%s", cfg)
		}
		noTokenUnder(t, filepath.Join(dest, ".git"))
		if f.srv.CredentialsInURL() {
			t.Error("a request carried the token in its URL")
		}
		wantStatus(t, dest, status(t, f.b, dest), git.Status{Branch: "main", Upstream: "origin/main"})
	})

	t.Run("depth 1", func(t *testing.T) {
		f := s.newRemote(t)
		f.upstreamCommit("a.txt", "1\n", "second")
		want := f.upstreamCommit("a.txt", "2\n", "third")
		dest := filepath.Join(t.TempDir(), "app")
		if err := f.b.Clone(ctx(t), f.srv.URL(repo), dest, git.CloneOptions{Auth: f.auth, Depth: 1}); err != nil {
			t.Fatalf("Clone depth 1: %v", err)
		}
		if got := gittest.Git(t, dest, "rev-list", "--count", "HEAD"); got != "1" {
			t.Errorf("commits in a depth 1 clone = %s, want 1", got)
		}
		if got := gittest.Git(t, dest, "rev-parse", "--is-shallow-repository"); got != "true" {
			t.Errorf("is-shallow-repository = %s", got)
		}
		if got := gittest.Head(t, dest); got != want {
			t.Errorf("HEAD = %s, want %s", got, want)
		}
		if got := gittest.ReadFile(t, dest, "a.txt"); got != "2\n" {
			t.Errorf("a.txt = %q", got)
		}
		wantStatus(t, dest, status(t, f.b, dest), git.Status{Branch: "main", Upstream: "origin/main"})
	})

	t.Run("branch", func(t *testing.T) {
		f := s.newRemote(t)
		gittest.Git(t, f.seed, "checkout", "-q", "-b", "dev")
		want := gittest.Commit(t, f.seed, "dev.txt", "dev\n", "dev work")
		gittest.Git(t, f.seed, "push", "-q", "origin", "dev")
		dest := filepath.Join(t.TempDir(), "app")
		if err := f.b.Clone(ctx(t), f.srv.URL(repo), dest, git.CloneOptions{Auth: f.auth, Branch: "dev"}); err != nil {
			t.Fatalf("Clone branch dev: %v", err)
		}
		if got := gittest.Head(t, dest); got != want {
			t.Errorf("HEAD = %s, want dev's %s", got, want)
		}
		wantStatus(t, dest, status(t, f.b, dest), git.Status{Branch: "dev", Upstream: "origin/dev"})
	})
}

// cloneFailures covers authentication, missing repository and server failures.
func cloneFailures(t *testing.T, s *suite) {
	for name, auth := range map[string]git.Credentials{
		"wrong token": {Username: "x-access-token", Password: "wrong-token"},
		"no token":    {},
	} {
		t.Run(name, func(t *testing.T) {
			f := s.newRemote(t)
			dest := filepath.Join(t.TempDir(), "app")
			start := time.Now()
			err := f.b.Clone(ctx(t), f.srv.URL(repo), dest, git.CloneOptions{Auth: auth})
			wantErr(t, "Clone "+name, err, git.ErrAuth)
			if git.Transient(err) {
				t.Errorf("Transient(%v) = true for an authentication failure", err)
			}
			if d := time.Since(start); d > prompt {
				t.Errorf("Clone took %v, want < %v (prompt or retries?)", d, prompt)
			}
			if f.srv.AuthFailures() == 0 {
				t.Error("server saw no rejected request")
			}
		})
	}

	t.Run("missing repository", func(t *testing.T) {
		f := s.newRemote(t)
		dest := filepath.Join(t.TempDir(), "app")
		err := f.b.Clone(ctx(t), f.srv.URL("team/missing"), dest, git.CloneOptions{Auth: f.auth})
		wantErr(t, "Clone of a missing repository", err, git.ErrRepoNotFound)
		if git.Transient(err) {
			t.Errorf("Transient(%v) = true for a missing repository", err)
		}
	})

	for name, mode := range map[string]gittest.FailMode{
		"server drops connection": gittest.FailDrop,
		"server answers 500":      gittest.Fail500,
		"server answers 429":      gittest.Fail429,
	} {
		t.Run(name, func(t *testing.T) {
			f := s.newRemote(t)
			f.srv.FailNext(1000, mode) // every attempt fails, retries included
			dest := filepath.Join(t.TempDir(), "app")
			start := time.Now()
			err := f.b.Clone(ctx(t), f.srv.URL(repo), dest, git.CloneOptions{Auth: f.auth})
			wantErr(t, "Clone from a failing server", err, git.ErrNetwork)
			if !git.Transient(err) {
				t.Errorf("Transient(%v) = false, want true", err)
			}
			if d := time.Since(start); d > prompt {
				t.Errorf("Clone took %v, want < %v", d, prompt)
			}
		})
	}
}

// cloneInterrupted covers cancellation and a destination that is in use.
func cloneInterrupted(t *testing.T, s *suite) {
	for name, pack := range map[string]bool{"cancel before answer": false, "cancel mid transfer": true} {
		t.Run(name, func(t *testing.T) {
			f := s.newRemote(t)
			// Stall holds the first request before any answer; StallPack
			// holds the pack transfer after half of it has been sent.
			var entered <-chan struct{}
			if pack {
				entered, _ = f.srv.StallPack()
			} else {
				entered, _ = f.srv.Stall()
			}
			c, cancel := context.WithCancel(ctx(t))
			dest := filepath.Join(t.TempDir(), "app")
			done := make(chan error, 1)
			go func() { done <- f.b.Clone(c, f.srv.URL(repo), dest, git.CloneOptions{Auth: f.auth}) }()
			select {
			case <-entered:
			case err := <-done:
				t.Fatalf("Clone returned before the server stalled: %v", err)
			}
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("Clone after cancel: %v, want an error wrapping context.Canceled", err)
				}
			case <-time.After(time.Second):
				t.Fatal("Clone did not return within 1s of cancellation")
			}
		})
	}

	t.Run("destination not empty", func(t *testing.T) {
		f := s.newRemote(t)
		dest := t.TempDir()
		gittest.WriteFile(t, dest, "keep.txt", "mine\n")
		err := f.b.Clone(ctx(t), f.srv.URL(repo), dest, git.CloneOptions{Auth: f.auth})
		wantErr(t, "Clone into a non-empty directory", err, git.ErrDestExists)
		if got := gittest.ReadFile(t, dest, "keep.txt"); got != "mine\n" {
			t.Errorf("keep.txt = %q", got)
		}
	})
}

// noTokenUnder fails if any file under dir contains the token.
func noTokenUnder(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), token) {
			t.Errorf("%s contains the token", path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", dir, err)
	}
}
