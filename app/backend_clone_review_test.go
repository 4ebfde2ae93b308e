package app

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/credroute"
	"github.com/mgit-dev/mgit/engine/git"
	gitcli "github.com/mgit-dev/mgit/engine/git/cli"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/secure"
)

// TestCloneBySizeCancelMidPack: Ctrl-C while go-git receives the pack (the
// server has sent half of it and stalls) ends the clone with the
// cancellation, leaves nothing at dest — go-git had made it, with a
// partial pack in it — and starts no git clone after it.
func TestCloneBySizeCancelMidPack(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "team/app")
	// An incompressible blob, so half the pack is well inside the data.
	noise := make([]byte, 256<<10)
	r := rand.NewChaCha8([32]byte{7})
	_, _ = r.Read(noise)
	gittest.Commit(t, seed, "noise.bin", string(noise), "noise")
	gittest.Push(t, seed)

	for _, existed := range []bool{false, true} {
		name := map[bool]string{false: "absent dest", true: "empty dest"}[existed]
		t.Run(name, func(t *testing.T) {
			b, used := testCloneBySize()
			dest := filepath.Join(t.TempDir(), "app")
			if existed {
				if err := os.Mkdir(dest, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			entered, release := srv.StallPack()
			defer release()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			before := srv.Requests()
			go func() { done <- b.Clone(ctx, srv.URL("team/app"), dest, git.CloneOptions{SizeHint: 1024}) }()
			<-entered
			if _, err := os.Lstat(filepath.Join(dest, ".git")); err != nil {
				t.Fatalf("mid-pack, go-git has no repository at dest yet (%v): the test proves nothing", err)
			}
			cancel()
			var err error
			select {
			case err = <-done:
			case <-time.After(time.Minute): // a safety net for a hang, not a timing bound
				release()
				t.Fatal("Clone did not return a minute after its context was cancelled mid-pack")
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Clone = %v, want the cancellation in the chain", err)
			}
			entries, statErr := os.ReadDir(dest)
			switch {
			case existed && (statErr != nil || len(entries) != 0):
				t.Errorf("the empty destination is not empty again after the cancel: %v %v", entries, statErr)
			case !existed && !errors.Is(statErr, os.ErrNotExist):
				t.Errorf("a half clone is left at dest after the cancel: %v %v", entries, statErr)
			}
			if got := used(); len(got) != 0 {
				t.Errorf("clones after the cancel: %v, want none", got)
			}
			// info/refs and the pack: git did not start a clone of its own.
			if n := srv.Requests() - before; n != 2 {
				t.Errorf("%d requests for one cancelled clone, want 2 (go-git's info/refs and pack)", n)
			}
		})
	}
}

// TestCloneBySizeCLIOperationsAgree: after a go-git clone, the git CLI
// backend's Status, Fetch and Pull give what they give on a `git clone`:
// clean, tracking origin/main, a new upstream commit fetched (behind 1)
// and fast-forwarded. And `git status` right after the clone refreshes no
// entry of either index: go-git's index carries the stat data git's
// checkout writes (git may still write the index anew, entries unchanged,
// for racily clean ones: gitStatusRefreshes).
func TestCloneBySizeCLIOperationsAgree(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "team/app")
	gittest.WriteFile(t, seed, "src/a.go", "package a\n")
	gittest.WriteFile(t, seed, "docs/b.md", "# b\n")
	gittest.Git(t, seed, "add", ".")
	gittest.Git(t, seed, "commit", "-q", "-m", "tree")
	gittest.Push(t, seed)
	url := srv.URL("team/app")

	b, used := testCloneBySize()
	byGoGit := filepath.Join(t.TempDir(), "gogit")
	if err := b.Clone(context.Background(), url, byGoGit, git.CloneOptions{SizeHint: 1024}); err != nil {
		t.Fatal(err)
	}
	if got := used(); !slices.Equal(got, []string{"go-git"}) {
		t.Fatalf("cloned by %v, want go-git", got)
	}
	byGit := filepath.Join(t.TempDir(), "git")
	gittest.Clone(t, url, byGit)

	for _, dir := range []string{byGit, byGoGit} {
		refreshed, rewritten := gitStatusRefreshes(t, dir)
		if refreshed {
			t.Errorf("%s: `git status` right after the clone refreshed the stat data of index entries", filepath.Base(dir))
		}
		t.Logf("%s: git status rewrote the index: %v", filepath.Base(dir), rewritten)
	}
	cli := gitcli.New()
	ctx := context.Background()
	check := func(step string, want git.Status) {
		t.Helper()
		for _, dir := range []string{byGit, byGoGit} {
			st, err := cli.Status(ctx, dir)
			if err != nil {
				t.Fatalf("%s: %s: status: %v", step, filepath.Base(dir), err)
			}
			got := git.Status{Branch: st.Branch, Upstream: st.Upstream, Ahead: st.Ahead, Behind: st.Behind,
				Staged: st.Staged, Unstaged: st.Unstaged, Untracked: st.Untracked, Head: git.Commit{SHA: st.Head.SHA}}
			if got != want {
				t.Errorf("%s: %s: status %+v, want %+v", step, filepath.Base(dir), got, want)
			}
		}
	}
	head := strings.TrimSpace(gittest.Git(t, seed, "rev-parse", "HEAD"))
	check("after clone", git.Status{Branch: "main", Upstream: "origin/main", Head: git.Commit{SHA: head}})

	gittest.Commit(t, seed, "src/c.go", "package a\n// c\n", "upstream")
	gittest.Push(t, seed)
	next := strings.TrimSpace(gittest.Git(t, seed, "rev-parse", "HEAD"))
	for _, dir := range []string{byGit, byGoGit} {
		if err := cli.Fetch(ctx, dir, git.FetchOptions{}); err != nil {
			t.Fatalf("fetch %s: %v", filepath.Base(dir), err)
		}
	}
	check("after fetch", git.Status{Branch: "main", Upstream: "origin/main", Behind: 1, Head: git.Commit{SHA: head}})
	for _, dir := range []string{byGit, byGoGit} {
		res, err := cli.Pull(ctx, dir, git.PullOptions{})
		if err != nil || !res.Updated || res.From != head || res.To != next {
			t.Fatalf("pull %s: %+v, %v; want %s..%s", filepath.Base(dir), res, err, head, next)
		}
	}
	check("after pull", git.Status{Branch: "main", Upstream: "origin/main", Head: git.Commit{SHA: next}})
	if a, b := gittest.Git(t, byGit, "ls-files", "-s"), gittest.Git(t, byGoGit, "ls-files", "-s"); a != b {
		t.Errorf("index after pull differs:\ngit:    %s\ngo-git: %s", a, b)
	}
}

// gitStatusRefreshes runs `git status` in dir and reports whether it
// changed the stat data of an index entry (ls-files --debug): git
// refreshes an entry whose recorded stat data does not match its file,
// so a change means the clone's index was not what git would write.
// rewritten says whether git wrote the index at all: it also does so,
// entries unchanged, when the index is as new as the files it lists
// (racily clean), to make them plainly clean.
func gitStatusRefreshes(t *testing.T, dir string) (refreshed, rewritten bool) {
	t.Helper()
	index := filepath.Join(dir, ".git", "index")
	before, err := os.Stat(index)
	if err != nil {
		t.Fatal(err)
	}
	debugBefore := gittest.Git(t, dir, "ls-files", "--debug")
	gittest.Git(t, dir, "status", "--porcelain")
	after, err := os.Stat(index)
	if err != nil {
		t.Fatal(err)
	}
	debugAfter := gittest.Git(t, dir, "ls-files", "--debug")
	if debugAfter != debugBefore {
		t.Logf("%s: ls-files --debug before git status:\n%s\nafter:\n%s", filepath.Base(dir), debugBefore, debugAfter)
	}
	return debugAfter != debugBefore, !before.ModTime().Equal(after.ModTime()) || !os.SameFile(before, after)
}

// TestGitEnvProbeRunsGitWithoutTokens: the one child process of a go-git
// clone is the git-env probe's `git config --list`. It runs with the
// environment the CLI backend gives git: no provider token variable, no
// MGIT_* variable (the keyring password). A fake git first on PATH records
// its environment and runs the real git.
func TestGitEnvProbeRunsGitWithoutTokens(t *testing.T) {
	real, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	bin := t.TempDir()
	record := filepath.Join(t.TempDir(), "env")
	script := "#!/bin/sh\nenv >> '" + record + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	const token = "ghp_probe0token0never0in0a0child"
	const keyring = "keyring-password-never-in-a-child"
	for _, k := range provider.AllTokenEnv() {
		t.Setenv(k, token)
	}
	t.Setenv("MGIT_KEYRING_PASSWORD", keyring)

	b, err := ChooseBackend(context.Background(), "auto")
	if err != nil {
		t.Fatal(err)
	}
	cbs, ok := b.(*cloneBySize)
	if !ok {
		t.Fatalf("auto backend is %T, want *cloneBySize", b)
	}
	_ = os.Remove(record) // ChooseBackend's own git --version check
	cbs.env.allows(context.Background(), "https://github.com/team/app.git",
		git.Credentials{Username: "x-access-token", Password: token})
	env, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the probe did not run git (%v): the test proves nothing", err)
	}
	if !strings.Contains(string(env), "GIT_DIR=") {
		t.Fatalf("recorded environment is not the probe's:\n%s", env)
	}
	for _, secret := range []string{token, keyring} {
		if strings.Contains(string(env), secret) {
			t.Errorf("git config --list ran with a secret in its environment (%s…)", secret[:8])
		}
	}
}

// TestGitEnvProbeSendsCloneToGit: each setting the probe must notice,
// read by the real git from its configuration (GIT_CONFIG_COUNT in the
// environment it sees) or the environment itself, sends the clone to git;
// a harmless one leaves it to go-git, so the test can tell.
func TestGitEnvProbeSendsCloneToGit(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "team/app")
	url := srv.URL("team/app")
	host := strings.TrimSuffix(url, "team/app.git")
	cfg := func(k, v string) []string {
		return []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=" + k, "GIT_CONFIG_VALUE_0=" + v}
	}
	for _, c := range []struct {
		name string
		env  []string
		by   string
	}{
		{"harmless config", cfg("user.name", "Someone"), "go-git"},
		{"url insteadOf", cfg("url."+host+"mirror/.insteadOf", host+"team/"), "cli"},
		{"url pushInsteadOf", cfg("url."+host+"mirror/.pushInsteadOf", host+"team/"), "go-git"},
		{"http.<url>.extraHeader", cfg("http."+url+".extraHeader", "X-Extra: 1"), "cli"},
		{"http.<origin>.extraHeader", cfg("http."+host+".extraHeader", "X-Extra: 1"), "cli"},
		{"http.extraHeader", cfg("http.extraHeader", "X-Extra: 1"), "cli"},
		{"http.<other host>.extraHeader", cfg("http.https://elsewhere.example/.extraHeader", "X-Extra: 1"), "go-git"},
		{"credential.helper", cfg("credential.helper", "store"), "cli"},
		{"credential.<url>.helper", cfg("credential."+host+".helper", "store"), "cli"},
		// git clone writes an index v4 (and no trailing hash) for these;
		// go-git writes v2.
		{"index.version", cfg("index.version", "4"), "cli"},
		{"feature.manyFiles", cfg("feature.manyFiles", "true"), "cli"},
		{"core.splitIndex", cfg("core.splitIndex", "true"), "cli"},
		{"GIT_TEMPLATE_DIR", []string{"GIT_TEMPLATE_DIR=" + t.TempDir()}, "cli"},
		{"GIT_HTTP_USER_AGENT", []string{"GIT_HTTP_USER_AGENT=x"}, "cli"},
		{"http_proxy", []string{"http_proxy=http://127.0.0.1:9"}, "cli"},
		{"GIT_ALLOW_PROTOCOL", []string{"GIT_ALLOW_PROTOCOL=https"}, "cli"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b, used := testCloneBySize()
			extra := c.env
			b.env = &gitEnvProbe{environ: func() []string { return append(os.Environ(), extra...) }}
			dest := filepath.Join(t.TempDir(), "app")
			if err := b.Clone(context.Background(), url, dest, git.CloneOptions{SizeHint: 1024}); err != nil {
				t.Fatal(err)
			}
			if got := used(); !slices.Equal(got, []string{c.by}) {
				t.Errorf("cloned by %v, want %s (probe entries %v)", got, c.by, b.env.entries)
			}
		})
	}
}

// TestCloneBySizeAnonymousRedirectGoesToGit: go-git now refuses every
// redirect, credential or not; git follows a redirect of info/refs when it
// holds no credential. So an anonymous small clone of a moved repository
// (another path on the same server) is git's, and succeeds as git clone
// does: the refusal must not be classified as a failure git would share.
func TestCloneBySizeAnonymousRedirectGoesToGit(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	srv.CreateRepo(t, "team/moved")
	backend, err := neturl.Parse(srv.URL("team/moved"))
	if err != nil {
		t.Fatal(err)
	}
	backend.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backend)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/team/app.git/"); ok {
			http.Redirect(w, r, "/team/moved.git/"+rest+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	url := front.URL + "/team/app.git"
	want := filepath.Join(t.TempDir(), "git")
	gittest.Clone(t, url, want)

	b, used := testCloneBySize()
	var tries atomic.Int64
	b.small = countedClone{b.small, &tries}
	dest := filepath.Join(t.TempDir(), "app")
	if err := b.Clone(context.Background(), url, dest, git.CloneOptions{SizeHint: 1024}); err != nil {
		t.Fatalf("anonymous clone of a moved repository: %v (git clone follows the redirect)", err)
	}
	if got := used(); tries.Load() != 1 || !slices.Equal(got, []string{"cli"}) {
		t.Errorf("go-git tried %d times, cloned by %v; want one go-git refusal, then git", tries.Load(), got)
	}
	sameView(t, cloneView(t, want), cloneView(t, dest))
}

// TestCloneBySizeKeepsTheEmptyDirectory: when git clones after go-git
// (here an empty remote), an empty destination directory the user made is
// emptied, not removed and made anew: its mode and identity stay (a
// volume mounted there could not be removed at all), as with git clone.
func TestCloneBySizeKeepsTheEmptyDirectory(t *testing.T) {
	t.Parallel()
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	gittest.Git(t, "", "init", "-q", "--bare", srv.BareDir("team/empty"))
	b, used := testCloneBySize()
	var tries atomic.Int64
	b.small = countedClone{b.small, &tries}
	dest := filepath.Join(t.TempDir(), "app")
	if err := os.Mkdir(dest, 0o700); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Clone(context.Background(), srv.URL("team/empty"), dest, git.CloneOptions{SizeHint: 1024}); err != nil {
		t.Fatal(err)
	}
	if got := used(); tries.Load() != 1 || !slices.Equal(got, []string{"cli"}) {
		t.Fatalf("go-git tried %d times, cloned by %v; want go-git, then git", tries.Load(), got)
	}
	after, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || after.Mode() != before.Mode() {
		t.Errorf("dest was replaced: %v (same directory: %v), was %v", after.Mode(), os.SameFile(before, after), before.Mode())
	}
}

// TestFetchFollowsNoRedirectWithinOrigin: `mgit fetch` with a token, both
// backends, of a clone whose origin redirects to another repository on the
// same host. git refuses (http.followRedirects=false) and go-git refuses
// (NoFollowRedirects) — but the CLI backend first lists the remote's refs
// in-process with go-git's transport (remoteUnchanged), which followed the
// redirect with the token unless the no-redirect transport was installed:
// with --git-backend cli nothing installed it. A process of its own: the
// install is process-wide, and an earlier test would hide its absence.
func TestFetchFollowsNoRedirectWithinOrigin(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	const token = "within-origin-token-3f7a"
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			srv := gittest.NewServer(t, gittest.ServerOptions{Token: token})
			srv.CreateRepo(t, "team/app")
			srv.CreateRepo(t, "team/moved")
			target, err := neturl.Parse(srv.URL("team/app"))
			if err != nil {
				t.Fatal(err)
			}
			target.Path = ""
			proxy := httputil.NewSingleHostReverseProxy(target)
			var moved atomic.Int64 // requests that followed the redirect
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if rest, ok := strings.CutPrefix(r.URL.Path, "/team/app.git/"); ok {
					http.Redirect(w, r, "/team/moved.git/"+rest+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
					return
				}
				if strings.HasPrefix(r.URL.Path, "/team/moved.git/") {
					moved.Add(1)
				}
				proxy.ServeHTTP(w, r)
			}))
			t.Cleanup(front.Close)
			root := t.TempDir()
			dest := filepath.Join(root, "app")
			gittest.CloneAuth(t, front.URL+"/team/moved.git", dest, "x-access-token", token)
			gittest.Git(t, dest, "remote", "set-url", "origin", front.URL+"/team/app.git")
			moved.Store(0)

			env := providerTestEnv(t)
			env[secure.EnvBackend] = secure.BackendEnv
			env[credroute.EnvToken] = token
			r := newRunner(t, bin)
			var extra []string
			for k, v := range env {
				extra = append(extra, k+"="+v)
			}
			res := r.run(extra, "fetch", root, "--git-backend", backend)
			t.Logf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
			if n := moved.Load(); n > 0 {
				t.Errorf("%d requests followed the redirect to /team/moved.git", n)
			}
			if res.code == 0 {
				t.Error("fetch through a redirect git refuses succeeded (the listing answered for the other repository)")
			}
			if srv.Requests() == 0 {
				t.Error("no request reached the server: the test proves nothing")
			}
		})
	}
}

// TestCloneBySizeBranchAsGit: clone --branch (git.CloneOptions.Branch, not
// used by mgit yet) by
// the composite gives what `git clone --branch` gives: every remote
// branch fetched and tracked under origin/*, the named one checked out.
func TestCloneBySizeBranchAsGit(t *testing.T) {
	t.Parallel()
	_, url := servedFixture(t)
	want := filepath.Join(t.TempDir(), "git")
	gittest.Git(t, "", "clone", "-q", "--branch", "feature/x", url, want)
	b, _ := testCloneBySize()
	dest := filepath.Join(t.TempDir(), "app")
	if err := b.Clone(context.Background(), url, dest, git.CloneOptions{SizeHint: 1024, Branch: "feature/x"}); err != nil {
		t.Fatal(err)
	}
	sameView(t, cloneView(t, want), cloneView(t, dest))
}
