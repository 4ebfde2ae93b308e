package app

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestEndToEndFetchChangedOnly: in a workspace where some repositories
// received commits, tags or branches upstream and others did not, `mgit
// fetch --changed-only` lists only the changed ones, with what moved, and
// one summary that counts every repository.
func TestEndToEndFetchChangedOnly(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			r := newRunner(t, bin)
			srv := gittest.NewServer(t, gittest.ServerOptions{Token: e2eToken})
			seeds := map[string]string{}
			for _, name := range []string{"app", "lib", "docs"} {
				seeds[name] = srv.CreateRepo(t, "org/"+name)
				srv.CloneCreated(t, "org/"+name, filepath.Join(r.dir, "ws", name))
			}
			gittest.InitRepo(t, filepath.Join(r.dir, "ws", "scratch")) // no remote
			gittest.Commit(t, filepath.Join(r.dir, "ws", "scratch"), "a.txt", "a\n", "local")

			gittest.Commit(t, seeds["app"], "a.txt", "a\n", "one")
			gittest.Commit(t, seeds["app"], "b.txt", "b\n", "two")
			gittest.Git(t, seeds["app"], "push", "-q", "origin", "HEAD", "HEAD:refs/heads/feature")
			gittest.Git(t, seeds["docs"], "tag", "v1")
			gittest.Git(t, seeds["docs"], "push", "-q", "origin", "v1")

			env := []string{"MGIT_TOKEN=" + e2eToken}
			res := r.run(env, "--git-backend="+backend, "fetch", "--no-tui", "--changed-only", "ws")
			if res.code != 0 {
				t.Fatalf("fetch: exit %d\n%s%s", res.code, res.stdout, res.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")
			want := []string{"ok   ws/app  main ↓2, +1 branch", "ok   ws/docs  +1 tag"}
			if len(lines) != 3 || !sameSet(lines[:2], want) {
				t.Fatalf("fetch --changed-only printed:\n%s\nwant the lines %q and one summary", res.stdout, want)
			}
			if !regexp.MustCompile(`^fetch: 3 ok, 0 failed, 1 skipped in [0-9][0-9hms.]*$`).MatchString(lines[2]) {
				t.Errorf("summary %q", lines[2])
			}

			// Nothing moved since: every repository is unchanged, and
			// without --changed-only each says so.
			res = r.run(env, "--git-backend="+backend, "fetch", "--no-tui", "ws")
			for _, l := range []string{"ok   ws/app  unchanged", "ok   ws/lib  unchanged", "ok   ws/docs  unchanged", "skip ws/scratch  no remote"} {
				if !strings.Contains(res.stdout, l+"\n") {
					t.Errorf("second fetch lacks %q:\n%s", l, res.stdout)
				}
			}
			res = r.run(env, "--git-backend="+backend, "fetch", "-o", "json", "--changed-only", "ws")
			if objs := ndjson(t, res.stdout); len(objs) != 1 || objs[0]["ok"] != 3.0 || objs[0]["skipped"] != 1.0 {
				t.Errorf("json --changed-only with nothing changed:\n%s", res.stdout)
			}
		})
	}
}

// TestEndToEndPullNothingToPullInto: detached, local-only (no upstream),
// no-remote and unborn repositories are skipped with the reason, and the
// run exits 0; the repository that can pull says what it got.
func TestEndToEndPullNothingToPullInto(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			r := newRunner(t, bin)
			srv := gittest.NewServer(t, gittest.ServerOptions{Token: e2eToken})
			seed := srv.CreateRepo(t, "org/app")
			ws := filepath.Join(r.dir, "ws")
			for _, name := range []string{"app", "detached", "topic"} {
				srv.CloneCreated(t, "org/app", filepath.Join(ws, name))
			}
			gittest.Git(t, filepath.Join(ws, "detached"), "checkout", "-q", "--detach")
			gittest.Git(t, filepath.Join(ws, "topic"), "checkout", "-q", "-b", "topic")
			gittest.InitRepo(t, filepath.Join(ws, "scratch"))
			gittest.Commit(t, filepath.Join(ws, "scratch"), "a.txt", "a\n", "local")
			gittest.InitRepo(t, filepath.Join(ws, "fresh"))
			gittest.Git(t, filepath.Join(ws, "fresh"), "remote", "add", "origin", srv.URL("org/app"))
			gittest.Commit(t, seed, "up.txt", "up\n", "upstream")
			gittest.Push(t, seed)

			res := r.run([]string{"MGIT_TOKEN=" + e2eToken}, "--git-backend="+backend, "pull", "--no-tui", "ws")
			if res.code != 0 {
				t.Errorf("pull: exit %d, want 0\n%s%s", res.code, res.stdout, res.stderr)
			}
			for _, l := range []string{
				"ok   ws/app  main ↓1",
				"skip ws/detached  detached HEAD",
				"skip ws/topic  no upstream",
				"skip ws/scratch  no remote",
				"skip ws/fresh  unborn branch (no commits yet)",
				"pull: 1 ok, 0 failed, 4 skipped in ",
			} {
				if !strings.Contains(res.stdout, l) {
					t.Errorf("pull output lacks %q:\n%s", l, res.stdout)
				}
			}
		})
	}
}

// TestEndToEndInterruptSummary: Ctrl-C during a long clone run prints what
// finished and one line for the rest, not a line per operation that never
// ran; the one in flight counts as stopped, not failed.
func TestEndToEndInterruptSummary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{Token: e2eToken})
	var urls []string
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		srv.CreateRepo(t, "org/"+name)
		urls = append(urls, srv.URL("org/"+name))
	}
	list := writeFile(t, filepath.Join(r.dir, "repos.txt"), strings.Join(urls, "\n")+"\n")
	entered, release := srv.StallPack()
	defer release()

	cmd, out, errb := r.command([]string{"MGIT_TOKEN=" + e2eToken}, "--concurrency", "1", "clone", "--no-tui", "--from", list, "ws")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("mgit exited before the transfer stalled: %v\n%s%s", err, out, errb)
	case <-time.After(30 * time.Second):
		t.Fatal("the clone never reached the server")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("mgit did not stop within 10s of SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130\n%s%s", code, out, errb)
	}
	if !regexp.MustCompile(`^interrupted: 1 stopped, 5 not started in [0-9][0-9hms.]*\n$`).MatchString(out.String()) {
		t.Errorf("stdout:\n%s\nwant one line: interrupted: 1 stopped, 5 not started in …", out)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
