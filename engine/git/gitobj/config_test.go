package gitobj_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/git/gitobj"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

var (
	cfgSections = []string{"[core]", "[Core]", "[remote \"origin\"]", "[remote \"Origin\"]", "[remote.Origin]", `[sec "a\"b\\c"]`,
		`[sec "x\y"]`, "[a-b]", "[ sec \"s\" ]", "[sec \"\"]", "[sec\t\"t\"]", "[core] bare = true", "[remote \"o\" ]"}
	cfgKeys   = []string{"url", "URL", "fetch", "bare", "name", "k-1", "Key2"}
	cfgValues = []string{"", " ", "x", "  spaced  out  ", "\"quoted # not comment\"", "val # comment", "val ; comment", `a\tb`,
		`a\nb`, `a\"b`, `a\\b`, "cont\\\n inued", "tab\there", "\"a\"\"b\"", "x\r", "true", "no", "1k", "0x10", `"  in quotes  "`}
	// Lines git rejects (or that we leave to git), used now and then.
	cfgBadSections = []string{"[bad", "[sec \"x\"", "[]", "[s_x]", "[include]", "[a.b \"c\"]", "[sec \"a\nb\"]"}
	cfgBadKeys     = []string{"1bad", "k_x", "k.x"}
	cfgBadValues   = []string{`bad\q`, "\"open", "x \"open"}
)

func pick(rng *rand.Rand, good, bad []string) string {
	if rng.IntN(25) == 0 {
		return bad[rng.IntN(len(bad))]
	}
	return good[rng.IntN(len(good))]
}

func genConfig(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(10) == 0 {
		b.WriteString("\xef\xbb\xbf")
	}
	for range 1 + rng.IntN(4) {
		b.WriteString(pick(rng, cfgSections, cfgBadSections))
		if rng.IntN(5) == 0 {
			b.WriteString(" # c")
		}
		b.WriteString("\n")
		for range rng.IntN(4) {
			b.WriteString([]string{"", "\t", "  "}[rng.IntN(3)])
			b.WriteString(pick(rng, cfgKeys, cfgBadKeys))
			switch rng.IntN(6) {
			case 0: // a bare boolean
			case 1:
				b.WriteString(" ")
			default:
				b.WriteString([]string{"=", " = ", "\t=\t"}[rng.IntN(3)])
				b.WriteString(pick(rng, cfgValues, cfgBadValues))
			}
			b.WriteString([]string{"\n", "\r\n", "\n\n", "\n; comment\n"}[rng.IntN(4)])
		}
	}
	return b.String()
}

// TestConfigParseMatchesGit compares every entry (name, value, order) of
// generated config files with git config --list, and requires an error
// wherever git rejects the file.
func TestConfigParseMatchesGit(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	n := gittest.Sample(300, 100, 60)
	accepted := 0
	for i := range n {
		rng := rand.New(rand.NewPCG(uint64(i), 5))
		text := genConfig(rng)
		f := filepath.Join(dir, "cfg"+strconv.Itoa(i))
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, gitErr := exec.Command("git", "config", "-f", f, "--no-includes", "--list", "-z").Output()
		c, err := gitobj.ParseConfig([]byte(text))
		if gitErr != nil {
			if err == nil {
				t.Errorf("file %d: git rejects it, we read it:\n%q", i, text)
			}
			continue
		}
		if err != nil {
			if errors.Is(err, gitobj.ErrNeedGit) && (strings.Contains(text, "[include]") || strings.Contains(text, "[a.b \"c\"]")) {
				continue // includes, and odd headers we leave to git
			}
			t.Errorf("file %d: git reads it, we fail: %v\n%q", i, err, text)
			continue
		}
		accepted++
		want := string(out)
		if got := listZ(c); got != want {
			t.Errorf("file %d:\n%q\nwe read %q\ngit reads %q", i, text, got, want)
		}
	}
	t.Logf("%d of %d files accepted by git and compared", accepted, n)
}

// listZ renders a Config as git config --list -z does.
func listZ(c *gitobj.Config) string {
	var b bytes.Buffer
	for _, e := range gitobj.Entries(c) {
		b.WriteString(e.Name)
		if !e.Bare {
			b.WriteString("\n" + e.Value)
		}
		b.WriteByte(0)
	}
	return b.String()
}

// TestConfigTypesMatchGit compares Bool and Int with git config
// --type=bool and --type=int, including the values git rejects.
func TestConfigTypesMatchGit(t *testing.T) {
	gittest.Isolate(t)
	dir := t.TempDir()
	values := []string{"true", "TRUE", "yes", "On", "1", "false", "No", "off", "0", `""`, "2", "-1", "1k", "1K", "3m", "2g",
		"0x10", "010", "08", "0x", "1kk", "1 k", "k", " 5", `" 5 "`, "+7", "--1", "9223372036854775807", "9223372036854775808",
		"-9223372036854775807", "-9223372036854775808", "8589934591g", "2147483647", "2147483648", "4294967296", "nope", "1.5", "0b1"}
	for i, v := range values {
		for _, kind := range []string{"bool", "int"} {
			f := filepath.Join(dir, fmt.Sprintf("%s%d", kind, i))
			text := "[t]\n\tk = " + v + "\n"
			if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			out, gitErr := exec.Command("git", "config", "-f", f, "--type="+kind, "t.k").Output()
			c, err := gitobj.ParseConfig([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if kind == "bool" {
				var b bool
				b, err = c.Bool("T.K", false)
				got = strconv.FormatBool(b)
			} else {
				var n int64
				n, err = c.Int("t.k", 0)
				got = strconv.FormatInt(n, 10)
			}
			switch {
			case gitErr != nil && err == nil:
				t.Errorf("--type=%s %q: git rejects it, we read %s", kind, v, got)
			case gitErr == nil && err != nil:
				t.Errorf("--type=%s %q: git reads %s, we fail: %v", kind, v, strings.TrimSpace(string(out)), err)
			case gitErr == nil && got != strings.TrimSpace(string(out)):
				t.Errorf("--type=%s %q: we read %s, git reads %s", kind, v, got, strings.TrimSpace(string(out)))
			}
		}
	}
	// A bare key is true; as a number git rejects it.
	c, _ := gitobj.ParseConfig([]byte("[t]\n\tk\n"))
	if b, err := c.Bool("t.k", false); err != nil || !b {
		t.Errorf("bare key: %v, %v", b, err)
	}
}

// TestLoadConfigPrecedence: system, global, repository, worktree and
// environment values, read in git's order.
func TestLoadConfigPrecedence(t *testing.T) {
	home := gittest.Isolate(t)
	dir := filepath.Join(t.TempDir(), "repo")
	gittest.InitRepo(t, dir)
	gittest.Commit(t, dir, "a", "a\n", "a")
	wt := filepath.Join(t.TempDir(), "wt")
	gittest.Git(t, dir, "worktree", "add", "-q", "-b", "w", wt)
	system := filepath.Join(home, "system")
	if err := os.WriteFile(system, []byte("[t]\n\tk = system\n\tm = system\n[core]\n\tfileMode = off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	global := os.Getenv("GIT_CONFIG_GLOBAL")
	gittest.Git(t, "", "config", "--global", "--add", "t.m", "global")
	gittest.Git(t, "", "config", "--global", "t.g", "global")
	gittest.Git(t, dir, "config", "--add", "t.m", "repo")
	gittest.Git(t, dir, "config", "t.k", "repo")
	gittest.Git(t, dir, "config", "extensions.worktreeConfig", "true")
	gittest.Git(t, wt, "config", "--worktree", "t.k", "worktree")
	env := []string{"GIT_CONFIG_NOSYSTEM=0", "GIT_CONFIG_SYSTEM=" + system, "GIT_CONFIG_GLOBAL=" + global, "HOME=" + home,
		"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=t.M", "GIT_CONFIG_VALUE_0=env"}
	for _, d := range []string{dir, wt} {
		r, err := gitobj.Open(d)
		if err != nil {
			t.Fatal(err)
		}
		c, err := gitobj.LoadConfig(r, append(os.Environ(), env...))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"t.k", "t.m", "t.g", "core.filemode"} {
			want := gittest.GitEnv(t, d, env, "config", "--get-all", k)
			if got := strings.Join(c.GetAll(k), "\n"); got != want {
				t.Errorf("%s in %s: %q, git says %q", k, filepath.Base(d), got, want)
			}
		}
	}
	// Without GIT_CONFIG_NOSYSTEM git reads the system file; with it, not.
	r, _ := gitobj.Open(dir)
	c, err := gitobj.LoadConfig(r, append(env, "GIT_CONFIG_NOSYSTEM=1"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := c.Bool("core.fileMode", true); err != nil || !v {
		t.Errorf("GIT_CONFIG_NOSYSTEM: core.fileMode %v, %v; the system file was read", v, err)
	}
	if _, err := gitobj.LoadConfig(r, append(env, "GIT_CONFIG_PARAMETERS='a.b'='c'")); !errors.Is(err, gitobj.ErrNeedGit) {
		t.Errorf("GIT_CONFIG_PARAMETERS: %v, want ErrNeedGit", err)
	}
}

// TestIncludesMatchGit follows include.path and includeIf (gitdir:,
// onbranch:, unknown conditions, missing files, "~/" through a symbolic
// link to the home directory) and compares every value with git's.
func TestIncludesMatchGit(t *testing.T) {
	gittest.Isolate(t)
	root := t.TempDir()
	realHome := filepath.Join(root, "realhome")
	home := filepath.Join(root, "home")
	for _, d := range []string{filepath.Join(realHome, "inc"), filepath.Join(realHome, "work")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(realHome, home); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"a", "b", "work", "other", "main", "feat", "unk", "repoinc", "deep", "dotslash", "abs"} {
		write(filepath.Join(realHome, "inc", n+".cfg"), "[t]\n\tall = "+n+"\n\tk = "+n+"\n")
	}
	write(filepath.Join(realHome, "inc", "a.cfg"), "[t]\n\tall = a\n[include]\n\tpath = deep.cfg\n")
	global := filepath.Join(realHome, "inc", "global")
	repo := filepath.Join(home, "work", "repo")
	write(global, `[user]
	name = T
	email = t@example.com
[t]
	all = global-first
[include]
	path = a.cfg
	path = ~/inc/b.cfg
	path = missing.cfg
[includeIf "gitdir:~/work/"]
	path = work.cfg
[includeIf "gitdir:other/"]
	path = other.cfg
[includeIf "gitdir:**/repo/.git"]
	path = abs.cfg
[includeIf "onbranch:main"]
	path = main.cfg
[includeIf "onbranch:feat/"]
	path = feat.cfg
[includeIf "unknown:x"]
	path = unk.cfg
[t]
	all = global-last
`)
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	gittest.InitRepo(t, repo)
	gittest.Commit(t, repo, "a", "a\n", "a")
	gittest.Git(t, repo, "config", "--add", "include.path", filepath.Join(realHome, "inc", "repoinc.cfg"))
	gittest.Git(t, repo, "config", "--add", "includeIf.gitdir:./.path", filepath.Join(realHome, "inc", "dotslash.cfg"))
	for _, branch := range []string{"main", "feat/x", "other"} {
		gittest.Git(t, repo, "checkout", "-q", "-B", branch)
		r, err := gitobj.Open(repo)
		if err != nil {
			t.Fatal(err)
		}
		c, err := gitobj.LoadConfig(r, os.Environ())
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"t.all", "t.k"} {
			want := gittest.Git(t, repo, "config", "--get-all", k)
			if got := strings.Join(c.GetAll(k), "\n"); got != want {
				t.Errorf("on %s, %s: %q\ngit says %q", branch, k, got, want)
			} else if k == "t.all" {
				t.Logf("on %s: %q", branch, got)
			}
		}
	}
	// Conditions only git evaluates.
	for _, cond := range []string{"gitdir/i:~/WORK/", "hasconfig:remote.*.url:https://**"} {
		write(global, "[user]\n\tname = T\n\temail = t@example.com\n[includeIf \""+cond+"\"]\n\tpath = a.cfg\n")
		r, _ := gitobj.Open(repo)
		if _, err := gitobj.LoadConfig(r, os.Environ()); !errors.Is(err, gitobj.ErrNeedGit) {
			t.Errorf("%s: %v, want ErrNeedGit", cond, err)
		}
	}
}
