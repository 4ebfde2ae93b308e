//go:build unix

package gogit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
	"github.com/mgit-dev/mgit/engine/git/gogit"
)

// genEntry is one path of a generated tree.
type genEntry struct {
	content string
	exec    bool
	link    bool // content is the link target
}

var (
	genDirs  = []string{"", "docs/", "src/", "src/sub/", "bin/"}
	genNames = []string{"a.txt", "b.bat", "c.sh", "d.bin", "e.dat", "f.my", "g.c", "h.in", "i.md",
		"top.txt", "j", "quoted name.txt", "k.x", "l.txt"}
	genContents = []string{
		"line1\nline2\n", "crlf1\r\ncrlf2\r\n", "mixed\r\nlf\n", "lone\rcr\n", "bin\x00ary\n",
		"ctrl\x01\x02\x03\x04\x05\x06\x07\x0e\x0f text\n", "eof char\n\x1a", "", "no newline",
		"high \xc3\xa9 bytes\n", "\n", "\r\n", "tab\tand\bbs\n",
	}
	genAttrs = []string{
		"* text=auto", "*.txt text", "*.bat eol=crlf", "*.sh eol=lf", "*.bin binary", "*.dat -text",
		"[attr]mytext text eol=crlf", "*.my mytext", "docs/** text eol=crlf", "/top.txt -text",
		"*.c crlf", "*.in crlf=input", "!*.x text", "*.[ch] text", `"quoted name.txt" eol=crlf`,
		"src/ -text", "*.md text=auto eol=crlf", "*.txt !text", "*.bin text", "* -text",
		"sub/*.txt eol=crlf", "*.txt eol=lf", "j text eol=crlf", "*.x text=auto", "# comment",
		"*.txt -crlf", "* crlf", "[attr]binary text", "**/l.txt eol=crlf", "*.md binary",
	}
)

func genContent(rng *rand.Rand) string {
	if rng.Intn(4) == 0 {
		var b strings.Builder
		for i, n := 0, rng.Intn(40); i < n; i++ {
			const alphabet = "ab \n\r\x00\x1a\x7f\xff"
			b.WriteByte(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	return genContents[rng.Intn(len(genContents))]
}

func genTree(rng *rand.Rand) map[string]genEntry {
	tree := map[string]genEntry{}
	for i, n := 0, 4+rng.Intn(10); i < n; i++ {
		p := genDirs[rng.Intn(len(genDirs))] + genNames[rng.Intn(len(genNames))]
		tree[p] = genFile(rng)
	}
	tree[".gitattributes"] = genEntry{content: genAttrFile(rng, true)}
	if rng.Intn(2) == 0 {
		tree["src/.gitattributes"] = genEntry{content: genAttrFile(rng, false)}
	}
	return tree
}

func genFile(rng *rand.Rand) genEntry {
	switch rng.Intn(10) {
	case 0:
		return genEntry{content: []string{"a.txt", "../top.txt", "missing", "sub/x"}[rng.Intn(4)], link: true}
	case 1:
		return genEntry{content: genContent(rng), exec: true}
	}
	return genEntry{content: genContent(rng)}
}

func genAttrFile(rng *rand.Rand, top bool) string {
	var lines []string
	for i, n := 0, rng.Intn(6); i < n; i++ {
		lines = append(lines, genAttrs[rng.Intn(len(genAttrs))])
	}
	if !top && rng.Intn(2) == 0 {
		lines = append(lines, "*.txt eol=crlf")
	}
	return strings.Join(lines, "\n") + "\n"
}

// mutate derives the target tree: changed contents and modes, new and
// deleted paths, changed attributes, a file that becomes a directory.
func mutate(rng *rand.Rand, base map[string]genEntry) map[string]genEntry {
	next := map[string]genEntry{}
	for p, e := range base {
		switch rng.Intn(6) {
		case 0: // deleted
		case 1:
			next[p] = genFile(rng)
		case 2:
			e.exec = !e.exec && !e.link
			next[p] = e
		default:
			next[p] = e
		}
	}
	for i, n := 0, rng.Intn(5); i < n; i++ {
		next[genDirs[rng.Intn(len(genDirs))]+genNames[rng.Intn(len(genNames))]] = genFile(rng)
	}
	if rng.Intn(3) == 0 {
		next[".gitattributes"] = genEntry{content: genAttrFile(rng, true)}
	}
	if rng.Intn(4) == 0 {
		next["docs/j/inner.txt"] = genEntry{content: genContent(rng)} // "docs/j" may have been a file
	}
	// A path cannot be both a file and a directory.
	for p := range next {
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			delete(next, d)
		}
	}
	return next
}

// writeTree makes dir's work tree (outside .git) exactly tree.
func writeTree(t *testing.T, dir string, tree map[string]genEntry) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() != ".git" {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	for p, e := range tree {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if e.link {
			if err := os.Symlink(e.content, full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		perm := os.FileMode(0o644)
		if e.exec {
			perm = 0o755
		}
		if err := os.WriteFile(full, []byte(e.content), perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(full, perm); err != nil {
			t.Fatal(err)
		}
	}
}

// genConfig is a random checkout configuration, as global config lines.
func genConfig(rng *rand.Rand) []string {
	var cfg []string
	pick := func(key string, vals ...string) {
		if v := vals[rng.Intn(len(vals))]; v != "" {
			cfg = append(cfg, key+" = "+v)
		}
	}
	pick("autocrlf", "", "", "true", "input", "false")
	pick("eol", "", "", "lf", "crlf", "native")
	pick("symlinks", "", "", "false")
	return cfg
}

// ffCases is how many generated repositories each umask gets: 12, or 4
// under the race detector (.ci/run runs the 12 without it, see
// gittest.Sample); MGIT_FF_CASES raises it for a longer run.
func ffCases(t *testing.T) int {
	if n, err := strconv.Atoi(os.Getenv("MGIT_FF_CASES")); err == nil && n > 0 {
		return n
	}
	return gittest.Sample(12, 4, 3)
}

// TestFastForwardMatchesGit does the same fast-forward with git (pull
// --ff-only, or a checkout of a new branch) and with the go-git backend,
// and the same clone, over
// generated trees with attributes and checkout settings, under umask 022
// and 077, and compares every file's content, mode and symlink, and git's
// view of both (status, index). The umask is process-wide: the test sets
// it for its own duration and is not parallel.
func TestFastForwardMatchesGit(t *testing.T) {
	for _, umask := range []int{0o022, 0o077} {
		for seed := 1; seed <= ffCases(t); seed++ {
			t.Run(fmt.Sprintf("umask%03o/seed%d", umask, seed), func(t *testing.T) {
				old := syscall.Umask(umask)
				defer syscall.Umask(old)
				compareFastForward(t, int64(seed)*1000+int64(umask))
			})
		}
	}
}

func compareFastForward(t *testing.T, seed int64) {
	rng := rand.New(rand.NewSource(seed))
	home := gittest.Isolate(t)
	cfg := genConfig(rng)
	global := "[user]\n\tname = T\n\temail = t@example.com\n[init]\n\tdefaultBranch = main\n[core]\n\t" +
		strings.Join(cfg, "\n\t") + "\n"
	gcfg := filepath.Join(home, "global.gitconfig")
	if err := os.WriteFile(gcfg, []byte(global), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", gcfg)
	base := genTree(rng)
	target := mutate(rng, base)
	t.Logf("config %q\nbase %v\ntarget %v", cfg, base, target)

	root := t.TempDir()
	bare := filepath.Join(root, "origin.git")
	gittest.Git(t, "", "init", "-q", "--bare", "-b", "main", bare)
	src := filepath.Join(root, "src")
	gittest.InitRepo(t, src)
	gittest.Git(t, src, "config", "core.autocrlf", "false")
	gittest.Git(t, src, "config", "core.symlinks", "true")
	commitTree := func(tree map[string]genEntry, msg string) {
		writeTree(t, src, tree)
		gittest.Git(t, src, "add", "-A")
		gittest.Git(t, src, "commit", "-q", "--allow-empty", "-m", msg)
		gittest.Git(t, src, "push", "-q", bare, "HEAD:main")
	}
	commitTree(base, "base")
	byGit, byGoGit := filepath.Join(root, "git"), filepath.Join(root, "gogit")
	gittest.Clone(t, bare, byGit)
	gittest.Clone(t, bare, byGoGit)
	commitTree(target, "target")
	switchBranch := rng.Intn(3) == 0
	if switchBranch {
		// The same trees through a branch switch instead of a pull.
		gittest.Git(t, src, "push", "-q", bare, "HEAD:other")
		gittest.Git(t, src, "push", "-q", "-f", bare, "HEAD~1:main")
		for _, dir := range []string{byGit, byGoGit} {
			gittest.Git(t, dir, "fetch", "-q")
		}
	}
	// A local executable-bit change: a local change for git unless
	// core.fileMode is false, when git overwrites it.
	fileMode := rng.Intn(2) == 0
	var chmodded string
	for p, e := range base {
		if !e.link && p != ".gitattributes" && (chmodded == "" || p < chmodded) {
			chmodded = p
		}
	}
	if rng.Intn(3) != 0 {
		chmodded = ""
	}
	for _, dir := range []string{byGit, byGoGit} {
		if !fileMode {
			gittest.Git(t, dir, "config", "core.fileMode", "false")
		}
		if chmodded != "" {
			full := filepath.Join(dir, filepath.FromSlash(chmodded))
			fi, err := os.Stat(full)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(full, fi.Mode()^0o100); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("core.fileMode %v, chmod of %s", fileMode, chmodded)
	// Every entry racily clean in both clones, so that git (and go-git)
	// read every file: a file whose content does not survive git's round
	// trip then looks modified to both, whatever the timing.
	past := time.Unix(1_000_000_000, 0)
	for _, dir := range []string{byGit, byGoGit} {
		if err := os.Chtimes(filepath.Join(dir, ".git/index"), past, past); err != nil {
			t.Fatal(err)
		}
	}

	// Content that does not survive git's own round trip (smudge, then
	// clean) makes git's clone look modified, and git refuses the pull:
	// go-git must refuse too, and change nothing.
	before := snapshot(t, byGoGit)
	var gitErr, err error
	if switchBranch {
		_, gitErr = gittest.TryGit(byGit, "checkout", "-q", "-b", "other", "origin/other")
		err = gogit.New().Checkout(context.Background(), byGoGit,
			git.CheckoutOptions{Branch: "other", Create: true, StartPoint: "origin/other"})
	} else {
		_, gitErr = gittest.TryGit(byGit, "pull", "-q", "--ff-only")
		_, err = gogit.New().Pull(context.Background(), byGoGit, git.PullOptions{})
	}
	switch {
	case gitErr != nil && errors.Is(err, git.ErrLocalChanges):
		if d := diffSnapshots(before, snapshot(t, byGoGit)); d != "" {
			t.Errorf("a refused go-git pull changed the work tree:\n%s", d)
		}
	case gitErr != nil:
		t.Fatalf("git refused the update (%v), go-git: %v", gitErr, err)
	case err != nil:
		t.Fatalf("go-git update: %v", err)
	default:
		sameCheckout(t, byGit, byGoGit, chmodded)
	}

	cloneGit, cloneGoGit := filepath.Join(root, "clone-git"), filepath.Join(root, "clone-gogit")
	gittest.Clone(t, bare, cloneGit)
	if err := gogit.New().Clone(context.Background(), bare, cloneGoGit, git.CloneOptions{}); err != nil {
		t.Fatalf("go-git clone: %v", err)
	}
	sameCheckout(t, cloneGit, cloneGoGit, "")
}

// sameCheckout compares two work trees and git's view of them.
// A path the test changed by hand (skip) keeps its old stat data.
func sameCheckout(t *testing.T, want, got, skip string) {
	t.Helper()
	if d := diffSnapshots(snapshot(t, want), snapshot(t, got)); d != "" {
		t.Errorf("work trees differ (git != go-git):\n%s", d)
	}
	// Before any git status rewrites it: go-git's index holds the stat
	// data of the files it wrote, so git need not read them again.
	statDataMatches(t, got, skip)
	for _, args := range [][]string{
		{"status", "--porcelain=v1", "--untracked-files=all", "--ignored"},
		{"ls-files", "--stage", "--eol"},
		{"rev-parse", "HEAD"},
	} {
		w, g := stable(gittest.Git(t, want, args...)), stable(gittest.Git(t, got, args...))
		if w != g {
			t.Errorf("git %s differs:\ngit:\n%s\ngo-git:\n%s", strings.Join(args, " "), w, g)
		}
	}
}

func (e genEntry) String() string {
	return fmt.Sprintf("{%q exec=%v link=%v}", e.content, e.exec, e.link)
}

// statDataMatches checks every index entry's stat data against the file,
// as git's ie_match_stat would (core.checkStat=default).
func statDataMatches(t *testing.T, dir, skip string) {
	t.Helper()
	out := gittest.Git(t, dir, "ls-files", "--debug")
	var name string
	var got []string
	check := func() {
		if name == "" || name == skip {
			return
		}
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() {
			return
		}
		st := fi.Sys().(*syscall.Stat_t)
		want := []string{
			fmt.Sprintf("ctime: %d:%d", st.Ctim.Sec, st.Ctim.Nsec),
			fmt.Sprintf("mtime: %d:%d", st.Mtim.Sec, st.Mtim.Nsec),
			fmt.Sprintf("ino: %d", uint32(st.Ino)),
			fmt.Sprintf("size: %d", uint32(st.Size)),
		}
		for _, w := range want {
			found := false
			for _, g := range got {
				if strings.Contains(g, w) {
					found = true
				}
			}
			if !found {
				t.Errorf("index stat data of %s: want %q in %q", name, w, got)
			}
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "  ") {
			check()
			name, got = strings.Trim(line, `"`), nil
			continue
		}
		got = append(got, line)
	}
	check()
}

// stable drops the " M" lines of git status: a file whose content does not
// survive git's own round trip (smudge, then clean) is reported modified
// or not depending on whether git happens to re-read it (racy
// timestamps), in git's clone as in go-git's. With equal work trees and
// equal index entries (compared separately) git's considered answer is
// the same for both.
func stable(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, " M ") && !strings.HasPrefix(l, "M ") || strings.HasPrefix(l, "M  ") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
