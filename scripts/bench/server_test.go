//go:build linux

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServerThrottles: a request arriving while the limit is in flight is
// refused with 429 and Retry-After, and counted; the one in flight is
// served.
func TestServerThrottles(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	s := &server{throttle: 1, backend: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		w.WriteHeader(http.StatusOK)
	})}
	first := make(chan int)
	go func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/r.git/info/refs", nil))
		first <- rec.Code
	}()
	<-entered
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/r.git/info/refs", nil))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second request: %d, Retry-After %q; want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	close(release)
	if code := <-first; code != http.StatusOK {
		t.Fatalf("first request: %d, want 200", code)
	}
	if got := s.counts(); got != (counts{requests: 2, throttled: 1}) {
		t.Fatalf("counts = %+v, want 2 requests, 1 throttled", got)
	}
}

// TestServerLatency: every request waits at least the latency (a lower
// bound, which no loaded machine can break).
func TestServerLatency(t *testing.T) {
	s := &server{backend: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	s.setLatency(30 * time.Millisecond)
	for range 2 {
		start := time.Now()
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
		if d := time.Since(start); d < 30*time.Millisecond {
			t.Fatalf("request served after %s, want at least 30ms", d)
		}
	}
}

// git runs git in dir with an isolated configuration and returns its
// output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(home, "none"),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestServerCacheFollowsPushes: the cached server answers a repeated
// request from its cache (so the test below can fail), and a push that
// lands on disk behind its back, as the bench's pushers do, is seen at
// once by ls-remote, fetch and a new clone: the refs are part of the key.
func TestServerCacheFollowsPushes(t *testing.T) {
	root, work := t.TempDir(), t.TempDir()
	bare := filepath.Join(root, "r.git")
	git(t, root, "init", "-q", "--bare", "-b", "main", bare)
	git(t, work, "init", "-q", "-b", "main", "w")
	w := filepath.Join(work, "w")
	commit := func(msg string) string {
		if err := os.WriteFile(filepath.Join(w, "f"), []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
		git(t, w, "add", "f")
		git(t, w, "commit", "-qm", msg)
		git(t, w, "push", "-q", bare, "main")
		return git(t, w, "rev-parse", "HEAD")
	}
	first := commit("one")

	s := &server{}
	base, stop, err := s.serve(root, true)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	url := base + "/r.git"
	for range 2 {
		if got := git(t, work, "ls-remote", url, "refs/heads/main"); !strings.HasPrefix(got, first) {
			t.Fatalf("ls-remote: %q, want %s", got, first)
		}
	}
	git(t, work, "clone", "-q", url, "c")
	if s.cache.hits.Load() == 0 {
		t.Fatalf("no request was answered from the cache (%d misses)", s.cache.misses.Load())
	}

	second := commit("two")
	if got := git(t, work, "ls-remote", url, "refs/heads/main"); !strings.HasPrefix(got, second) {
		t.Fatalf("ls-remote after a push: %q, want %s (a stale answer)", got, second)
	}
	c := filepath.Join(work, "c")
	git(t, c, "fetch", "-q")
	if got := git(t, c, "rev-parse", "origin/main"); got != second {
		t.Fatalf("fetch after a push: origin/main %s, want %s", got, second)
	}
	git(t, work, "clone", "-q", url, "c2")
	if got := git(t, filepath.Join(work, "c2"), "rev-parse", "HEAD"); got != second {
		t.Fatalf("clone after a push: HEAD %s, want %s", got, second)
	}
}

// TestServerCacheSharedByCopies: copies of one repository share answers
// (the key holds the refs, not the path), so the side of a comparison
// that runs first does not pay the server's misses for the other.
func TestServerCacheSharedByCopies(t *testing.T) {
	root, work := t.TempDir(), t.TempDir()
	git(t, work, "init", "-q", "-b", "main", "w")
	w := filepath.Join(work, "w")
	if err := os.WriteFile(filepath.Join(w, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, w, "add", "f")
	git(t, w, "commit", "-qm", "x")
	for _, n := range []string{"a.git", "b.git"} {
		git(t, root, "clone", "-q", "--bare", w, n)
	}
	s := &server{}
	base, stop, err := s.serve(root, true)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	git(t, work, "clone", "-q", base+"/a.git", "a")
	misses := s.cache.misses.Load()
	git(t, work, "clone", "-q", base+"/b.git", "b")
	if s.cache.misses.Load() != misses || s.cache.hits.Load() == 0 {
		t.Fatalf("the copy's clone missed: %d misses after the first clone, %d after the second, %d hits",
			misses, s.cache.misses.Load(), s.cache.hits.Load())
	}
}
