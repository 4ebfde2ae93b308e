package conformance

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// Capabilities says what the backend under test can do; cases for a missing
// capability assert a clean ErrUnsupported instead.
type Capabilities struct {
	// Rebase: Pull with PullOptions.Rebase works.
	Rebase bool
	// Parallel: the test binary isolated git's configuration once for every
	// test (gittest.IsolateProcess in its TestMain), so each case runs in
	// parallel with the others of its group instead of isolating its own
	// (gittest.Isolate sets environment variables, which a parallel test
	// may not). Without it the suite must not run in a parallel test.
	Parallel bool
}

// token is the server's password. It is distinctive so that finding it in a
// file or an error message cannot be a coincidence.
const token = "conformance-token-7f3a9c"

// opTimeout bounds every backend call: generous, so that a slow machine does
// not fail the suite, while a hang (a prompt, a missed cancellation) does.
const opTimeout = 20 * time.Second

// Run runs every case against the backends newBackend returns (one per case).
func Run(t *testing.T, newBackend func(t *testing.T) git.Backend, caps Capabilities) {
	s := &suite{newBackend: newBackend, caps: caps}
	t.Run("status", s.status)
	t.Run("clone", s.clone)
	t.Run("fetch", s.fetch)
	t.Run("pull", s.pull)
	t.Run("branch", s.branch)
	t.Run("ignored work", s.ignored)
	t.Run("inspect", s.inspect)
	t.Run("changes", s.changes)
}

type suite struct {
	newBackend func(t *testing.T) git.Backend
	caps       Capabilities
}

// fixture is one case's world: a server holding team/app (requiring token),
// its seed work tree (push there to add upstream commits) and a clone of it
// made with the git CLI, tracking origin/main.
type fixture struct {
	t    *testing.T
	b    git.Backend
	srv  *gittest.Server
	seed string // work tree whose origin is the bare repository's path
	work string // clone under test; origin is srv.URL(repo)
	auth git.Credentials
}

const repo = "team/app"

// newFixture isolates git config (see begin) and builds the fixture.
func (s *suite) newFixture(t *testing.T) *fixture {
	t.Helper()
	f := s.newRemote(t)
	f.work = filepath.Join(t.TempDir(), "app")
	f.srv.CloneCreated(t, repo, f.work)
	return f
}

// newPrepared is newFixture with prepare run in the clone: the result is
// built once per test binary and key, and copied (gittest.ClonePrepared).
func (s *suite) newPrepared(t *testing.T, key string, prepare func(t testing.TB, dir string)) *fixture {
	t.Helper()
	f := s.newRemote(t)
	f.work = filepath.Join(t.TempDir(), "app")
	gittest.ClonePrepared(t, f.srv, repo, key, f.work, prepare)
	// A copy's files have new inodes and change times, which the index's
	// stat data does not match until something refreshes it (git itself
	// does on status or switch; git read-tree, which the CLI backend's
	// checkout check runs, does not). Refreshed here, the fixture is what
	// prepare left: a work tree git just wrote.
	gittest.Git(t, f.work, "update-index", "-q", "--refresh")
	return f
}

// newRemote is newFixture without the clone (work is "").
func (s *suite) newRemote(t *testing.T) *fixture {
	t.Helper()
	s.begin(t)
	f := &fixture{
		t:    t,
		b:    s.newBackend(t),
		srv:  gittest.NewServer(t, gittest.ServerOptions{Token: token}),
		auth: git.Credentials{Username: "x-access-token", Password: token},
	}
	f.seed = f.srv.CreateRepo(t, repo)
	return f
}

// backendOnly isolates git config (see begin) and returns a backend, for
// cases that need no server.
func (s *suite) backendOnly(t *testing.T) git.Backend {
	t.Helper()
	s.begin(t)
	return s.newBackend(t)
}

// begin starts a case: in parallel when the process is isolated already
// (Capabilities.Parallel), else with a configuration of its own. Every case
// calls it once, first, through newRemote, newFixture or backendOnly.
func (s *suite) begin(t *testing.T) {
	t.Helper()
	if s.caps.Parallel {
		t.Parallel()
		return
	}
	gittest.Isolate(t)
}

// ctx is the context for one backend call.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), opTimeout)
	t.Cleanup(cancel)
	return c
}

// git runs the git CLI in the work tree with the server's credentials.
func (f *fixture) git(args ...string) string {
	f.t.Helper()
	return gittest.GitEnv(f.t, f.work, gittest.AuthEnv("git", token), args...)
}

// status runs the backend's Status on dir and fails the test on error.
func status(t *testing.T, b git.Backend, dir string) git.Status {
	t.Helper()
	st, err := b.Status(ctx(t), dir)
	if err != nil {
		t.Fatalf("Status(%s): %v", dir, err)
	}
	return st
}

// headCommit is HEAD as `git log -1` shows it: author name and author date.
func headCommit(t *testing.T, dir string) git.Commit {
	t.Helper()
	out := gittest.Git(t, dir, "log", "-1", "--format=%H%x00%s%x00%an%x00%at")
	f := strings.Split(out, "\x00")
	if len(f) != 4 {
		t.Fatalf("git log: unexpected output %q", out)
	}
	sec, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil {
		t.Fatalf("git log: %v", err)
	}
	return git.Commit{SHA: f[0], Subject: f[1], Author: f[2], Time: time.Unix(sec, 0)}
}

// wantStatus compares every field of got with want. want.Head.SHA == "" and
// !want.NoCommits means "HEAD as git log -1 shows it in dir".
func wantStatus(t *testing.T, dir string, got, want git.Status) {
	t.Helper()
	if want.Head.SHA == "" && !want.NoCommits {
		want.Head = headCommit(t, dir)
	}
	gh, wh := got.Head, want.Head
	got.Head, want.Head = git.Commit{}, git.Commit{}
	if got != want {
		t.Errorf("Status:\n got %+v\nwant %+v", got, want)
	}
	if gh.SHA != wh.SHA || gh.Subject != wh.Subject || gh.Author != wh.Author || !gh.Time.Equal(wh.Time) {
		t.Errorf("Status.Head:\n got %+v\nwant %+v", gh, wh)
	}
}

// wantErr fails unless err wraps every one of kinds.
func wantErr(t *testing.T, op string, err error, kinds ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %v", op, kinds)
	}
	for _, k := range kinds {
		if !errors.Is(err, k) {
			t.Errorf("%s: error %q (%T) does not wrap %q", op, err, err, k)
		}
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("%s: error message contains the token: %q", op, err)
	}
}

// snapshot is what a refused operation must leave untouched.
type snapshot struct {
	head, porcelain string
	files           map[string]string
}

func takeSnapshot(t *testing.T, dir string, files ...string) snapshot {
	t.Helper()
	s := snapshot{
		head:      gittest.Head(t, dir),
		porcelain: gittest.Git(t, dir, "status", "--porcelain=v1", "--untracked-files=all"),
		files:     map[string]string{},
	}
	for _, f := range files {
		s.files[f] = gittest.ReadFile(t, dir, f)
	}
	return s
}

// unchanged fails if HEAD, the index/work tree summary or a file differs.
func (s snapshot) unchanged(t *testing.T, dir string) {
	t.Helper()
	names := make([]string, 0, len(s.files))
	for f := range s.files {
		names = append(names, f)
	}
	now := takeSnapshot(t, dir, names...)
	if now.head != s.head {
		t.Errorf("HEAD moved: %s -> %s", s.head, now.head)
	}
	if now.porcelain != s.porcelain {
		t.Errorf("index/work tree changed:\nbefore:\n%s\nafter:\n%s", s.porcelain, now.porcelain)
	}
	for f, c := range s.files {
		if now.files[f] != c {
			t.Errorf("%s changed: %q -> %q", f, c, now.files[f])
		}
	}
}
