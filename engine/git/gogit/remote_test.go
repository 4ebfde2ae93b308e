package gogit_test

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
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

const token = "s3cret-token-value"

func server(t *testing.T) (*gittest.Server, git.Credentials) {
	t.Helper()
	gittest.Isolate(t)
	return gittest.NewServer(t, gittest.ServerOptions{Token: token}), git.Credentials{Username: "git", Password: token}
}

// noSecretOnDisk fails if the token was written anywhere under dir.
func noSecretOnDisk(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), token) {
			t.Errorf("token found in %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCloneOverHTTP(t *testing.T) {
	srv, creds := server(t)
	seed := srv.CreateRepo(t, "org/app")
	dest := filepath.Join(t.TempDir(), "app")
	var mu sync.Mutex
	var phases []string
	err := gogit.New().Clone(context.Background(), srv.URL("org/app"), dest, git.CloneOptions{
		Auth: creds,
		Progress: func(p git.Progress) {
			mu.Lock()
			phases = append(phases, p.Phase)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	if gittest.Head(t, dest) != gittest.Head(t, seed) {
		t.Error("HEAD differs from the seed")
	}
	st := status(t, dest)
	if st.Branch != "main" || st.Upstream != "origin/main" || st.State() != "clean" {
		t.Errorf("status after clone = %+v", st)
	}
	if got := gittest.Git(t, dest, "config", "branch.main.merge"); got != "refs/heads/main" {
		t.Errorf("branch.main.merge = %q", got)
	}
	if got := gittest.Git(t, dest, "remote", "get-url", "origin"); got != srv.URL("org/app") {
		t.Errorf("origin url = %q", got)
	}
	if len(phases) == 0 {
		t.Error("no progress reported")
	}
	if srv.CredentialsInURL() {
		t.Error("credentials sent in a URL")
	}
	noSecretOnDisk(t, dest)
}

func TestCloneDepthAndBranch(t *testing.T) {
	srv, creds := server(t)
	seed := srv.CreateRepo(t, "app")
	gittest.Commit(t, seed, "b.txt", "b\n", "second")
	gittest.Git(t, seed, "push", "-q", "origin", "main:dev")
	gittest.Commit(t, seed, "c.txt", "c\n", "third")
	gittest.Push(t, seed)

	shallow := filepath.Join(t.TempDir(), "shallow")
	if err := gogit.New().Clone(context.Background(), srv.URL("app"), shallow, git.CloneOptions{Auth: creds, Depth: 1}); err != nil {
		t.Fatalf("shallow clone: %v", err)
	}
	if n := gittest.Git(t, shallow, "rev-list", "--count", "HEAD"); n != "1" {
		t.Errorf("shallow clone has %s commits", n)
	}
	if st := status(t, shallow); st.Upstream != "origin/main" || st.State() != "clean" {
		t.Errorf("shallow status = %+v", st)
	}

	dev := filepath.Join(t.TempDir(), "dev")
	if err := gogit.New().Clone(context.Background(), srv.URL("app"), dev, git.CloneOptions{Auth: creds, Branch: "dev"}); err != nil {
		t.Fatalf("branch clone: %v", err)
	}
	if st := status(t, dev); st.Branch != "dev" || st.Upstream != "origin/dev" || st.Head.Subject != "second" {
		t.Errorf("dev status = %+v", st)
	}

	err := gogit.New().Clone(context.Background(), srv.URL("app"), filepath.Join(t.TempDir(), "x"), git.CloneOptions{Auth: creds, Branch: "nope"})
	if err == nil {
		t.Error("clone of a missing branch succeeded")
	}
}

func TestCloneErrors(t *testing.T) {
	srv, creds := server(t)
	srv.CreateRepo(t, "app")
	be := gogit.New()
	ctx := context.Background()

	for _, wrong := range []git.Credentials{{}, {Username: "git", Password: "wrong"}} {
		err := be.Clone(ctx, srv.URL("app"), filepath.Join(t.TempDir(), "a"), git.CloneOptions{Auth: wrong})
		if !errors.Is(err, git.ErrAuth) {
			t.Errorf("creds %v: err = %v, want ErrAuth", wrong, err)
		}
		if err != nil && strings.Contains(err.Error(), "wrong") {
			t.Errorf("error reveals the password: %v", err)
		}
	}
	err := be.Clone(ctx, srv.URL("missing"), filepath.Join(t.TempDir(), "m"), git.CloneOptions{Auth: creds})
	if !errors.Is(err, git.ErrRepoNotFound) {
		t.Errorf("missing repo: err = %v, want ErrRepoNotFound", err)
	}
	occupied := t.TempDir()
	gittest.WriteFile(t, occupied, "keep.txt", "mine")
	err = be.Clone(ctx, srv.URL("app"), occupied, git.CloneOptions{Auth: creds})
	if !errors.Is(err, git.ErrDestExists) || gittest.ReadFile(t, occupied, "keep.txt") != "mine" {
		t.Errorf("occupied dest: err = %v", err)
	}

	srv.FailNext(1, gittest.Fail500)
	err = be.Clone(ctx, srv.URL("app"), filepath.Join(t.TempDir(), "f"), git.CloneOptions{Auth: creds})
	if !errors.Is(err, git.ErrNetwork) || !git.Transient(err) {
		t.Errorf("500: err = %v, want transient ErrNetwork", err)
	}
	srv.FailNext(1, gittest.Fail429)
	err = be.Clone(ctx, srv.URL("app"), filepath.Join(t.TempDir(), "g"), git.CloneOptions{Auth: creds})
	if !errors.Is(err, git.ErrNetwork) {
		t.Errorf("429: err = %v, want ErrNetwork", err)
	}
	// net/http retries a request once when a reused connection drops, so
	// drop more than one.
	srv.FailNext(3, gittest.FailDrop)
	err = be.Clone(ctx, srv.URL("app"), filepath.Join(t.TempDir(), "h"), git.CloneOptions{Auth: creds})
	if !errors.Is(err, git.ErrNetwork) {
		t.Errorf("dropped connection: err = %v, want ErrNetwork", err)
	}
}

func TestCloneEmptyRepository(t *testing.T) {
	srv, creds := server(t)
	gittest.Git(t, "", "init", "-q", "--bare", "-b", "main", srv.BareDir("empty"))
	dest := filepath.Join(t.TempDir(), "empty")
	if err := gogit.New().Clone(context.Background(), srv.URL("empty"), dest, git.CloneOptions{Auth: creds}); err != nil {
		t.Fatalf("clone: %v", err)
	}
	if st := status(t, dest); !st.NoCommits {
		t.Errorf("status = %+v", st)
	}
}

func TestCloneCancelledMidTransfer(t *testing.T) {
	srv, creds := server(t)
	seed := srv.CreateRepo(t, "app")
	// Enough content that the pack is worth stalling halfway.
	gittest.Commit(t, seed, "big.txt", strings.Repeat("0123456789abcdef\n", 1<<14), "big")
	gittest.Push(t, seed)
	entered, release := srv.StallPack()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- gogit.New().Clone(ctx, srv.URL("app"), filepath.Join(t.TempDir(), "c"), git.CloneOptions{Auth: creds})
	}()
	<-entered
	start := time.Now()
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("clone returned %v after cancel", d)
	}
}

func TestFetchAndPullOverHTTP(t *testing.T) {
	srv, creds := server(t)
	seed := srv.CreateRepo(t, "app")
	gittest.Git(t, seed, "push", "-q", "origin", "main:old")
	work := filepath.Join(t.TempDir(), "work")
	srv.Clone(t, "app", work)
	gittest.Git(t, work, "checkout", "-q", "old")
	gittest.Git(t, work, "checkout", "-q", "main")
	gittest.Commit(t, seed, "n.txt", "n\n", "new upstream commit")
	gittest.Push(t, seed)
	gittest.Git(t, seed, "push", "-q", "origin", "--delete", "old")
	be := gogit.New()

	if err := be.Fetch(context.Background(), work, git.FetchOptions{Auth: creds, Prune: true}); err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if st := status(t, work); st.Behind != 1 {
		t.Errorf("after fetch: %+v", st)
	}
	if _, err := gittest.TryGit(work, "rev-parse", "--verify", "-q", "refs/remotes/origin/old"); err == nil {
		t.Error("prune kept origin/old")
	}
	gittest.Git(t, work, "checkout", "-q", "old")
	if st := status(t, work); !st.UpstreamGone {
		t.Errorf("old should have its upstream gone: %+v", st)
	}
	gittest.Git(t, work, "checkout", "-q", "main")
	// Up to date is success.
	if err := be.Fetch(context.Background(), work, git.FetchOptions{Auth: creds}); err != nil {
		t.Fatalf("second fetch: %v", err)
	}
	if err := be.Fetch(context.Background(), work, git.FetchOptions{Auth: git.Credentials{Username: "git", Password: "bad"}}); !errors.Is(err, git.ErrAuth) {
		t.Errorf("bad token fetch: err = %v", err)
	}

	gittest.Commit(t, seed, "m.txt", "m\n", "another")
	gittest.Push(t, seed)
	res, err := be.Pull(context.Background(), work, git.PullOptions{Auth: creds})
	if err != nil || !res.Updated || res.To != gittest.Head(t, seed) {
		t.Fatalf("pull = %+v, %v", res, err)
	}
	if srv.CredentialsInURL() {
		t.Error("credentials sent in a URL")
	}
	noSecretOnDisk(t, work)
}

func TestFetchCancelled(t *testing.T) {
	srv, creds := server(t)
	srv.CreateRepo(t, "app")
	work := filepath.Join(t.TempDir(), "work")
	srv.Clone(t, "app", work)
	entered, release := srv.Stall()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gogit.New().Fetch(ctx, work, git.FetchOptions{Auth: creds}) }()
	<-entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestSSHWithoutAgent(t *testing.T) {
	gittest.Isolate(t)
	t.Setenv("SSH_AUTH_SOCK", "")
	err := gogit.New().Clone(context.Background(), "git@127.0.0.1:org/app.git", filepath.Join(t.TempDir(), "a"), git.CloneOptions{})
	if !errors.Is(err, git.ErrAuth) || !strings.Contains(err.Error(), "ssh-agent") {
		t.Fatalf("err = %v, want ErrAuth about ssh-agent", err)
	}
}

func TestFetchWithoutRemotes(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "f", "x", "c")
	if err := gogit.New().Fetch(context.Background(), dir, git.FetchOptions{}); err != nil {
		t.Fatalf("fetch with no remote: %v (git fetch succeeds)", err)
	}
}
