package gittest

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const token = "s3cret-token"

func TestServerRequiresToken(t *testing.T) {
	Isolate(t)
	s := NewServer(t, ServerOptions{Token: token})
	seed := s.CreateRepo(t, "org/app")
	want := Commit(t, seed, "a.txt", "a\n", "second")
	Push(t, seed)

	dest := filepath.Join(t.TempDir(), "app")
	s.Clone(t, "org/app", dest)
	if got := Head(t, dest); got != want {
		t.Fatalf("HEAD = %s, want %s", got, want)
	}
	if got := ReadFile(t, dest, "a.txt"); got != "a\n" {
		t.Fatalf("a.txt = %q", got)
	}

	for name, env := range map[string][]string{
		"no token":    nil,
		"wrong token": AuthEnv("git", "wrong"),
	} {
		_, err := TryGitEnv("", env, "clone", s.URL("org/app"), filepath.Join(t.TempDir(), "x"))
		// git reports a rejected header as "Authentication failed" and a
		// missing one as "could not read Username" (prompts are disabled).
		if err == nil || !(strings.Contains(err.Error(), "Authentication failed") || strings.Contains(err.Error(), "could not read Username")) {
			t.Errorf("%s: clone error = %v, want authentication failure", name, err)
		}
	}
	if n := s.AuthFailures(); n != 2 {
		t.Errorf("AuthFailures = %d, want 2", n)
	}
	if s.CredentialsInURL() {
		t.Error("CredentialsInURL = true, want false")
	}
	resp, err := http.Get(s.URL("org/app") + "/info/refs?service=git-upload-pack&access_token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status without basic auth = %d, want 401", resp.StatusCode)
	}
	if !s.CredentialsInURL() {
		t.Error("CredentialsInURL = false after a URL with the token")
	}
}

func TestServerUnknownRepo(t *testing.T) {
	Isolate(t)
	s := NewServer(t, ServerOptions{Token: token})
	_, err := TryGitEnv("", AuthEnv("u", token), "ls-remote", s.URL("missing"))
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("ls-remote of a missing repo: %v, want not found", err)
	}
}

func TestServerPushOverHTTP(t *testing.T) {
	Isolate(t)
	s := NewServer(t, ServerOptions{Token: token})
	s.CreateRepo(t, "app")
	work := filepath.Join(t.TempDir(), "work")
	s.Clone(t, "app", work)
	want := Commit(t, work, "b.txt", "b\n", "over http")
	GitEnv(t, work, AuthEnv("alice", token), "push", "-q", "origin", "main")
	if got := Git(t, s.BareDir("app"), "rev-parse", "main"); got != want {
		t.Fatalf("server main = %s, want %s", got, want)
	}
	if got := Git(t, work, "remote", "get-url", "origin"); got != s.URL("app") {
		t.Fatalf("origin = %q", got)
	}
}

func TestServerFailNext(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode FailMode
		want string
	}{
		{"drop", FailDrop, "unable to access"},
		{"500", Fail500, "500"},
		{"429", Fail429, "429"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			Isolate(t)
			s := NewServer(t, ServerOptions{})
			s.CreateRepo(t, "app")
			s.FailNext(1, tc.mode)
			_, err := TryGit("", "ls-remote", s.URL("app"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ls-remote error = %v, want %q", err, tc.want)
			}
			if n := s.Requests(); n != 1 {
				t.Fatalf("Requests = %d, want 1", n)
			}
			// Only one request fails.
			Git(t, "", "ls-remote", s.URL("app"))
			if n := s.Requests(); n < 2 {
				t.Fatalf("Requests = %d, want >= 2", n)
			}
		})
	}
}

// startClone runs a git clone that the test can cancel; the result arrives
// on the returned channel.
func startClone(ctx context.Context, url, dest string) <-chan error {
	done := make(chan error, 1)
	cmd := exec.CommandContext(ctx, "git", "clone", "-q", url, dest)
	go func() { done <- cmd.Run() }()
	return done
}

func TestServerStall(t *testing.T) {
	for _, pack := range []bool{false, true} {
		name := "first request"
		if pack {
			name = "mid pack"
		}
		t.Run(name+"/cancel", func(t *testing.T) {
			Isolate(t)
			s := NewServer(t, ServerOptions{})
			s.CreateRepo(t, "app")
			var entered <-chan struct{}
			if pack {
				entered, _ = s.StallPack()
			} else {
				entered, _ = s.Stall()
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := startClone(ctx, s.URL("app"), filepath.Join(t.TempDir(), "x"))
			select {
			case <-entered:
			case err := <-done:
				t.Fatalf("clone finished before the stall: %v", err)
			}
			cancel()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("cancelled clone succeeded")
				}
			case <-time.After(5 * time.Second):
				t.Fatal("clone did not stop after cancel")
			}
		})
		t.Run(name+"/release", func(t *testing.T) {
			Isolate(t)
			s := NewServer(t, ServerOptions{})
			seed := s.CreateRepo(t, "app")
			var entered <-chan struct{}
			var release func()
			if pack {
				entered, release = s.StallPack()
			} else {
				entered, release = s.Stall()
			}
			dest := filepath.Join(t.TempDir(), "x")
			done := startClone(context.Background(), s.URL("app"), dest)
			select {
			case <-entered:
			case err := <-done:
				t.Fatalf("clone finished before the stall: %v", err)
			}
			release()
			release() // idempotent
			if err := <-done; err != nil {
				t.Fatalf("released clone: %v", err)
			}
			if Head(t, dest) != Head(t, seed) {
				t.Fatal("clone HEAD differs from the seed")
			}
		})
	}
}

// A test that ends while a request is stalled must not hang in cleanup.
func TestServerCloseReleasesStall(t *testing.T) {
	Isolate(t)
	var done <-chan error
	t.Run("inner", func(t *testing.T) {
		s := NewServer(t, ServerOptions{})
		s.CreateRepo(t, "app")
		entered, _ := s.Stall()
		done = startClone(context.Background(), s.URL("app"), filepath.Join(t.TempDir(), "x"))
		<-entered
	})
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("client still blocked after the server closed")
	}
}

func TestServerMaxConcurrent(t *testing.T) {
	Isolate(t)
	s := NewServer(t, ServerOptions{})
	s.CreateRepo(t, "app")
	e1, r1 := s.Stall()
	e2, r2 := s.Stall()
	d1 := startClone(context.Background(), s.URL("app"), filepath.Join(t.TempDir(), "1"))
	d2 := startClone(context.Background(), s.URL("app"), filepath.Join(t.TempDir(), "2"))
	<-e1
	<-e2
	if n := s.MaxConcurrent(); n != 2 {
		t.Errorf("MaxConcurrent = %d with two held requests, want 2", n)
	}
	r1()
	r2()
	for _, d := range []<-chan error{d1, d2} {
		if err := <-d; err != nil {
			t.Fatalf("clone: %v", err)
		}
	}
}
