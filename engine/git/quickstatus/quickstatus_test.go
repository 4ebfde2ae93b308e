package quickstatus

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func isolate(t testing.TB) {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = Ada Tester\n\temail = ada@example.com\n[init]\n\tdefaultBranch = main\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
}

func run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t testing.TB, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// upstreamAndClone makes a bare upstream with two commits and a clone of it.
func upstreamAndClone(t testing.TB) (bare, seed, clone string) {
	t.Helper()
	base := t.TempDir()
	seed = filepath.Join(base, "seed")
	bare = filepath.Join(base, "up.git")
	clone = filepath.Join(base, "clone")
	run(t, base, "init", "-q", seed)
	write(t, seed, "README.md", "hello\n")
	write(t, seed, "src/a/main.go", "package main\n")
	write(t, seed, "src/b.txt", "b\n")
	write(t, seed, ".gitignore", "build/\n*.log\n")
	run(t, seed, "add", "-A")
	run(t, seed, "commit", "-qm", "first")
	write(t, seed, "README.md", "hello again\n")
	run(t, seed, "commit", "-qam", "second subject\n\nbody text")
	run(t, base, "clone", "-q", "--bare", seed, bare)
	run(t, seed, "remote", "add", "origin", bare)
	run(t, seed, "fetch", "-q", "origin")
	run(t, seed, "branch", "-q", "--set-upstream-to=origin/main")
	run(t, base, "clone", "-q", bare, clone)
	// The first status after a checkout may refresh the index; do it as a
	// user's own git would, so the test sees the steady state.
	run(t, clone, "status", "--porcelain")
	return bare, seed, clone
}

// agree asserts that git itself sees exactly what Read reported.
func agree(t *testing.T, dir string) {
	t.Helper()
	st, err := Read(dir)
	if err != nil {
		t.Fatalf("Read: %v, want the fast path", err)
	}
	out := run(t, dir, "status", "--porcelain=v2", "--branch", "--show-stash")
	stash := 0
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "# branch.oid "):
			if got := strings.TrimPrefix(line, "# branch.oid "); got != st.Head.SHA {
				t.Errorf("head %s, git says %s", st.Head.SHA, got)
			}
		case strings.HasPrefix(line, "# branch.upstream "):
			if got := strings.TrimPrefix(line, "# branch.upstream "); got != st.Upstream {
				t.Errorf("upstream %q, git says %q", st.Upstream, got)
			}
		case strings.HasPrefix(line, "# branch.ab "):
			if want := fmt.Sprintf("# branch.ab +%d -%d", st.Ahead, st.Behind); line != want {
				t.Errorf("fast path says %q, git says %q", want, line)
			}
		case strings.HasPrefix(line, "# stash "):
			stash, _ = strconv.Atoi(strings.TrimPrefix(line, "# stash "))
		case strings.HasPrefix(line, "#"):
		default:
			t.Errorf("fast path said clean, git says %q", line)
		}
	}
	if stash != st.Stash {
		t.Errorf("stash %d, git says %d", st.Stash, stash)
	}
	if st.Upstream != "" && !strings.Contains(out, "# branch.ab ") != st.UpstreamGone {
		t.Errorf("UpstreamGone %v disagrees with git:\n%s", st.UpstreamGone, out)
	}
}

func wantSlow(t *testing.T, dir string) {
	t.Helper()
	if st, err := Read(dir); !errors.Is(err, ErrSlowPath) {
		t.Fatalf("Read = %+v, %v; want ErrSlowPath", st, err)
	}
}

func TestCleanClone(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	st, err := Read(clone)
	if err != nil {
		t.Fatal(err)
	}
	if st.Branch != "main" || st.Upstream != "origin/main" || st.Detached || st.Dirty() || st.Stash != 0 {
		t.Errorf("status %+v", st)
	}
	if st.Head.Subject != "second subject" || st.Head.Author != "Ada Tester" {
		t.Errorf("head %+v", st.Head)
	}
	wantTime := run(t, clone, "log", "-1", "--format=%at")
	if strconv.FormatInt(st.Head.Time.Unix(), 10) != wantTime {
		t.Errorf("head time %v, git says %s", st.Head.Time, wantTime)
	}
	agree(t, clone)
}

func TestIgnoredFilesStayClean(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	write(t, clone, "build/out/bin", "x")
	write(t, clone, "src/a/debug.log", "x")
	write(t, clone, "notes.tmp", "x")
	write(t, clone, ".git/info/exclude", "*.tmp\n")
	agree(t, clone)
}

func TestNotTriviallyClean(t *testing.T) {
	cases := map[string]func(t *testing.T, bare, seed, clone string){
		"modified same size": func(t *testing.T, _, _, clone string) { write(t, clone, "src/b.txt", "c\n") },
		"untracked file":     func(t *testing.T, _, _, clone string) { write(t, clone, "new.txt", "n") },
		"untracked dir":      func(t *testing.T, _, _, clone string) { write(t, clone, "newdir/x", "n") },
		"deleted":            func(t *testing.T, _, _, clone string) { os.Remove(filepath.Join(clone, "src/b.txt")) },
		"staged": func(t *testing.T, _, _, clone string) {
			write(t, clone, "src/b.txt", "staged\n")
			run(t, clone, "add", "src/b.txt")
			run(t, clone, "status", "--porcelain")
		},
		"mode": func(t *testing.T, _, _, clone string) {
			if err := os.Chmod(filepath.Join(clone, "README.md"), 0o755); err != nil {
				t.Fatal(err)
			}
		},
		"no commits yet": func(t *testing.T, _, _, clone string) {
			run(t, clone, "checkout", "-q", "--orphan", "fresh")
			run(t, clone, "rm", "-rq", "--cached", ".")
		},
		"copied without refresh": func(t *testing.T, _, _, clone string) {
			// Every file gets a new inode and ctime, as after cp -r.
			run(t, clone, "ls-files")
			for _, f := range []string{"README.md", "src/b.txt"} {
				p := filepath.Join(clone, f)
				b, _ := os.ReadFile(p)
				fi, _ := os.Stat(p)
				os.Remove(p)
				os.WriteFile(p, b, 0o644)
				os.Chtimes(p, fi.ModTime(), fi.ModTime())
			}
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			isolate(t)
			bare, seed, clone := upstreamAndClone(t)
			mutate(t, bare, seed, clone)
			wantSlow(t, clone)
		})
	}
}

func TestConflictIsSlow(t *testing.T) {
	isolate(t)
	_, seed, clone := upstreamAndClone(t)
	write(t, seed, "src/b.txt", "theirs\n")
	run(t, seed, "commit", "-qam", "theirs")
	run(t, seed, "push", "-q")
	write(t, clone, "src/b.txt", "ours\n")
	run(t, clone, "commit", "-qam", "ours")
	run(t, clone, "fetch", "-q")
	cmd := exec.Command("git", "merge", "-q", "origin/main")
	cmd.Dir = clone
	if err := cmd.Run(); err == nil {
		t.Fatal("merge unexpectedly succeeded")
	}
	wantSlow(t, clone)
}

func TestStashDetachedAndGoneUpstream(t *testing.T) {
	isolate(t)
	bare, seed, clone := upstreamAndClone(t)

	for i := range 2 {
		write(t, clone, "src/b.txt", "wip "+strconv.Itoa(i)+"\n")
		run(t, clone, "stash", "-q")
	}
	run(t, clone, "status", "--porcelain")
	agree(t, clone)
	if st, _ := Read(clone); st.Stash != 2 {
		t.Errorf("stash = %d, want 2", st.Stash)
	}

	run(t, clone, "checkout", "-q", "--detach", "HEAD~1")
	run(t, clone, "status", "--porcelain")
	st, err := Read(clone)
	if err != nil || !st.Detached || st.Branch != "" || st.Upstream != "" {
		t.Fatalf("detached: %+v, %v", st, err)
	}
	agree(t, clone)

	run(t, seed, "push", "-q", "origin", "main:feature")
	run(t, clone, "fetch", "-q")
	run(t, clone, "checkout", "-q", "-b", "feature", "--track", "origin/feature")
	run(t, clone, "status", "--porcelain")
	agree(t, clone)
	run(t, bare, "branch", "-D", "feature")
	run(t, clone, "fetch", "-q", "--prune")
	st, err = Read(clone)
	if err != nil || !st.UpstreamGone || st.Upstream != "origin/feature" {
		t.Fatalf("gone: %+v, %v", st, err)
	}
	agree(t, clone)
}

func TestNotARepository(t *testing.T) {
	wantSlow(t, t.TempDir())
}

// BenchmarkRead compares the fast path with the process it replaces on a
// small clean clone: the ratio is what a 1,000-repository sweep gains.
func BenchmarkRead(b *testing.B) {
	isolate(b)
	_, _, clone := upstreamAndClone(b)
	b.Run("quickstatus", func(b *testing.B) {
		for b.Loop() {
			if _, err := Read(clone); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("git-status-process", func(b *testing.B) {
		for b.Loop() {
			cmd := exec.Command("git", "status", "--porcelain=v2", "--branch", "--show-stash")
			cmd.Dir = clone
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// racy makes every entry racily clean: the index is given the same mtime as
// the files, as when both are written within one tick of the kernel clock.
func racy(t *testing.T, clone string, files ...string) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(clone, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.Chtimes(filepath.Join(clone, f), fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chtimes(filepath.Join(clone, ".git", "index"), fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
}

func TestRacilyCleanComparesContent(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	// Setting times changes ctime, so the test can only make entries
	// racy with ctime not trusted.
	run(t, clone, "config", "core.trustctime", "false")
	// Unchanged content: hashing proves it clean.
	racy(t, clone, "README.md")
	agree(t, clone)

	// Same size, same mtime: only the content can tell, and it must say
	// "modified".
	p := filepath.Join(clone, "README.md")
	fi, _ := os.Stat(p)
	if err := os.WriteFile(p, []byte("HELLO AGAIN\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	racy(t, clone, "README.md")
	wantSlow(t, clone)
}

func TestRacyWithFiltersAsksGit(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "config", "core.autocrlf", "input")
	racy(t, clone, "README.md")
	wantSlow(t, clone)
}

func TestAheadBehindInProcess(t *testing.T) {
	isolate(t)
	_, seed, clone := upstreamAndClone(t)
	commit := func(dir, body string) {
		write(t, dir, "src/b.txt", body)
		run(t, dir, "commit", "-qam", body)
	}
	// Behind 2 after a fetch.
	commit(seed, "up1\n")
	commit(seed, "up2\n")
	run(t, seed, "push", "-q")
	run(t, clone, "fetch", "-q")
	agree(t, clone)
	if st, _ := Read(clone); st.Behind != 2 || st.Ahead != 0 {
		t.Fatalf("behind: %+v", st)
	}
	// Diverged: one local commit on the old base, with a merge of a side
	// branch so the walk meets more than a line.
	run(t, clone, "checkout", "-q", "-b", "side")
	write(t, clone, "side.txt", "side\n")
	run(t, clone, "add", "side.txt")
	run(t, clone, "commit", "-qm", "side")
	run(t, clone, "checkout", "-q", "main")
	write(t, clone, "local.txt", "local\n")
	run(t, clone, "add", "local.txt")
	run(t, clone, "commit", "-qm", "local")
	run(t, clone, "merge", "-q", "--no-edit", "side")
	run(t, clone, "status", "--porcelain")
	agree(t, clone)
	if st, _ := Read(clone); st.Ahead != 3 || st.Behind != 2 {
		t.Fatalf("diverged: %+v", st)
	}
	// Fast-forwarded past upstream: ahead only.
	run(t, clone, "reset", "-q", "--hard", "origin/main")
	commit(clone, "mine\n")
	run(t, clone, "status", "--porcelain")
	agree(t, clone)
	if st, _ := Read(clone); st.Ahead != 1 || st.Behind != 0 {
		t.Fatalf("ahead: %+v", st)
	}
}

func TestShallowBehindAsksGit(t *testing.T) {
	isolate(t)
	bare, seed, _ := upstreamAndClone(t)
	shallow := filepath.Join(t.TempDir(), "shallow")
	run(t, "", "clone", "-q", "--depth=1", "file://"+bare, shallow)
	write(t, seed, "src/b.txt", "upstream\n")
	run(t, seed, "commit", "-qam", "upstream")
	run(t, seed, "push", "-q")
	run(t, shallow, "fetch", "-q")
	run(t, shallow, "status", "--porcelain")
	wantSlow(t, shallow)
}

func TestReadFreshSkipsWorkTree(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	want, err := Read(clone)
	if err != nil {
		t.Fatal(err)
	}
	// Make every entry racy: Read must hash, ReadFresh trusts the clone.
	run(t, clone, "config", "core.trustctime", "false")
	racy(t, clone, "README.md", "src/b.txt", "src/a/main.go", ".gitignore")
	got, err := ReadFresh(clone)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("ReadFresh = %+v, Read = %+v", got, want)
	}
}

// Git takes the first of several branch.<b>.merge values; rather than
// model that, quickstatus leaves such a branch to git.
func TestSeveralMergeValuesAskGit(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "config", "--add", "branch.main.merge", "refs/heads/other")
	wantSlow(t, clone)
}

// An unreadable packed-refs file is not an absent upstream.
func TestUnreadablePackedRefsAskGit(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	head := run(t, clone, "rev-parse", "HEAD")
	run(t, clone, "pack-refs", "--all")
	// HEAD's branch loose again; the upstream only in packed-refs.
	if err := os.WriteFile(filepath.Join(clone, ".git", "refs", "heads", "main"), []byte(head+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(clone, ".git", "packed-refs")
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(p, 0o755); err != nil { // EISDIR on read
		t.Fatal(err)
	}
	wantSlow(t, clone)
}
