package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// TestEndToEndForceKeepsLocalWork drives the built binary: a clone holding
// many kinds of local work at once is refused by --update-mode force (exit
// 1, error_kind local-changes, all intact), replaced with
// --discard-local-changes (the old clone recoverable from the trash the
// output names), and the trash is emptied only by mgit clean --trash.
func TestEndToEndForceKeepsLocalWork(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	for _, backend := range []string{"cli", "go-git"} {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			forceEndToEnd(t, bin, backend)
		})
	}
}

func forceEndToEnd(t *testing.T, bin, backend string) {
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	seed := srv.CreateRepo(t, "org/app")
	gittest.Commit(t, seed, ".gitignore", ".env\n", "ignore .env")
	gittest.Push(t, seed)
	be := "--git-backend=" + backend
	hostDir := strings.ReplaceAll(strings.TrimPrefix(strings.Split(srv.URL("x"), "/x.git")[0], "http://"), ":", "_")
	rel := filepath.Join("ws", hostDir, "org", "app")
	dest := filepath.Join(r.dir, rel)
	if res := r.run(nil, be, "clone", srv.URL("org/app"), "ws"); res.code != 0 {
		t.Fatalf("clone: exit %d %s", res.code, res.stderr)
	}
	// Local work of kinds a force replace used to destroy.
	gittest.WriteFile(t, dest, ".env", "SECRET=1")
	gittest.WriteFile(t, dest, ".git/info/exclude", "terraform.tfstate\n")
	gittest.WriteFile(t, dest, "terraform.tfstate", "{}")
	gittest.Git(t, dest, "tag", "mine")
	gittest.Git(t, dest, "notes", "add", "-m", "reviewed")
	gittest.Git(t, dest, "config", "user.email", "me@work.example")
	gittest.Git(t, dest, "remote", "add", "fork", "https://example.com/me/fork.git")
	intact := func(dir string) bool {
		_, errTag := gittest.TryGit(dir, "rev-parse", "-q", "--verify", "refs/tags/mine")
		_, errNotes := gittest.TryGit(dir, "notes", "show", "HEAD")
		_, errRemote := gittest.TryGit(dir, "config", "--local", "remote.fork.url")
		b, _ := os.ReadFile(filepath.Join(dir, ".env"))
		s, _ := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
		return errTag == nil && errNotes == nil && errRemote == nil && string(b) == "SECRET=1" && string(s) == "{}"
	}

	res := r.run(nil, be, "clone", "--update-mode", "force", "-o", "json", srv.URL("org/app"), "ws")
	if res.code != 1 || !strings.Contains(res.stdout, `"error_kind":"local-changes"`) {
		t.Fatalf("force: exit %d, stdout %s", res.code, res.stdout)
	}
	// Refs are compared with the remote only after the fresh clone, so
	// this refusal, which comes before it, names the rest.
	for _, want := range []string{".env", "remote fork", "user.email", "terraform.tfstate"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("refusal does not name %s: %s", want, res.stdout)
		}
	}
	if !intact(dest) {
		t.Fatal("refused, but local work is gone")
	}

	res = r.run(nil, be, "clone", "--update-mode", "force", "--discard-local-changes", srv.URL("org/app"), "ws")
	trash := filepath.Join(r.dir, "ws", ".mgit", "trash")
	if res.code != 0 || !strings.Contains(res.stdout, "old clone kept at "+trash) {
		t.Fatalf("discard: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	entries, _ := os.ReadDir(trash)
	if len(entries) != 1 || !intact(filepath.Join(trash, entries[0].Name())) {
		t.Fatalf("old clone not recoverable from %s: %v", trash, entries)
	}
	if intact(dest) {
		t.Error("the destination was not replaced")
	}

	if res := r.run(nil, "clean", "--trash", "--older-than", "30d", "ws"); res.code != 0 || !strings.HasPrefix(res.stdout, "0 replaced clones") {
		t.Errorf("clean --older-than 30d: exit %d %q", res.code, res.stdout)
	}
	if res := r.run(nil, "clean", "--trash", "ws"); res.code != 0 || !strings.Contains(res.stdout, "removed "+trash) {
		t.Errorf("clean --trash: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
	if entries, _ := os.ReadDir(trash); len(entries) != 0 {
		t.Errorf("trash not emptied: %v", entries)
	}
}

// TestEndToEndTwoPullsOneWorkspace starts two mgit binaries pulling the same
// workspace at once: with the repository locks they queue per repository
// and both end with 0 failures (without, git's ref locks failed 30-60%).
func TestEndToEndTwoPullsOneWorkspace(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	r := newRunner(t, bin)
	srv := gittest.NewServer(t, gittest.ServerOptions{})
	var seeds []string
	for _, name := range []string{"a", "b", "c", "d", "e", "f"} {
		seeds = append(seeds, srv.CreateRepo(t, "org/"+name))
		if res := r.run(nil, "clone", srv.URL("org/"+name), "ws"); res.code != 0 {
			t.Fatalf("clone: %s", res.stderr)
		}
	}
	for i, seed := range seeds {
		for j := range 3 {
			gittest.Commit(t, seed, "f.txt", strings.Repeat("x", i+j+1), "upstream")
		}
		gittest.Push(t, seed)
	}
	type run struct {
		done chan struct{}
		code int
		out  string
	}
	var runs [2]*run
	for i := range runs {
		cmd, out, errb := r.command(nil, "pull", "-o", "json", "ws")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ru := &run{done: make(chan struct{})}
		runs[i] = ru
		go func() {
			defer close(ru.done)
			_ = cmd.Wait()
			ru.code, ru.out = cmd.ProcessState.ExitCode(), out.String()+errb.String()
		}()
	}
	for i, ru := range runs {
		<-ru.done
		if ru.code != 0 || !strings.Contains(ru.out, `"failed":0`) {
			t.Errorf("pull %d: exit %d\n%s", i, ru.code, ru.out)
		}
	}
}
