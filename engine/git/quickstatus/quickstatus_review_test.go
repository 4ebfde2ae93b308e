package quickstatus

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// notWrong passes when Read asks git, and otherwise requires git to agree
// with what it said: the fast path may decline, never guess.
func notWrong(t *testing.T, dir string) {
	t.Helper()
	if _, err := Read(dir); err != nil {
		return
	}
	agree(t, dir)
}

// TestReviewReplacedHeadCommit: HEAD's commit is replaced (git replace) by
// one with another tree. git status compares the index with the
// replacement's tree and reports staged changes; mgit read the raw commit's
// tree and said clean.
func TestReviewReplacedHeadCommit(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	head := run(t, clone, "rev-parse", "HEAD")
	write(t, clone, "other.txt", "x\n")
	run(t, clone, "add", "other.txt")
	run(t, clone, "commit", "-qm", "other")
	other := run(t, clone, "rev-parse", "HEAD")
	run(t, clone, "reset", "-q", "--hard", head)
	run(t, clone, "replace", head, other)
	run(t, clone, "status", "--porcelain")
	notWrong(t, clone)
}

// TestReviewRelativeExcludesFile: core.excludesFile is a relative path.
// git resolves it against the work tree's top (where it runs) and sees an
// untracked file; mgit resolved it against its own working directory, where
// a file ignoring everything happened to be, and said clean.
func TestReviewRelativeExcludesFile(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	elsewhere := t.TempDir()
	write(t, elsewhere, "myignore", "*\n")
	t.Chdir(elsewhere)
	run(t, clone, "config", "core.excludesFile", "myignore")
	write(t, clone, "new.txt", "untracked\n")
	notWrong(t, clone)
}

// TestReviewSplitIndex: an index split by `git update-index --split-index`
// without core.splitIndex set holds only part of the entries.
func TestReviewSplitIndex(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "update-index", "--split-index")
	write(t, clone, "README.md", "changed and staged\n")
	run(t, clone, "add", "README.md")
	run(t, clone, "status", "--porcelain")
	notWrong(t, clone)
}

// TestReviewAssumeUnchangedAndSkipWorktree: flags git honours (it reports
// clean for a modified assume-unchanged file).
func TestReviewAssumeUnchanged(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "update-index", "--assume-unchanged", "README.md")
	write(t, clone, "README.md", "changed\n")
	notWrong(t, clone)
}

// TestReviewFileModeFalse: core.fileMode=false and the executable bit
// flipped: git says clean.
func TestReviewFileModeFalse(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "config", "core.fileMode", "false")
	if err := os.Chmod(filepath.Join(clone, "README.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, clone, "status", "--porcelain")
	notWrong(t, clone)
}

// TestReviewHeadSymrefOutsideHeads: HEAD is a symbolic ref to a
// remote-tracking ref.
func TestReviewHeadSymrefOutsideHeads(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "symbolic-ref", "HEAD", "refs/remotes/origin/main")
	notWrong(t, clone)
}

// TestReviewUpstreamOtherRemote: the branch tracks a branch of another
// remote, under another name.
func TestReviewUpstreamOtherRemote(t *testing.T) {
	isolate(t)
	bare, _, clone := upstreamAndClone(t)
	run(t, clone, "remote", "add", "Up.Stream", bare)
	run(t, clone, "fetch", "-q", "Up.Stream")
	run(t, clone, "config", "branch.main.remote", "Up.Stream")
	run(t, clone, "commit", "-q", "--allow-empty", "-m", "local")
	notWrong(t, clone)
}

// TestReviewMergeMissingRef: branch.main.merge names a branch the remote
// never had.
func TestReviewMergeMissingRef(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "config", "branch.main.merge", "refs/heads/nope")
	notWrong(t, clone)
}

// TestReviewIgnoredTrackedDirNegation: a tracked directory matched by an
// ignore rule, with an untracked file re-included by a deeper .gitignore.
func TestReviewIgnoredTrackedDirNegation(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	write(t, clone, "build/tracked.txt", "t\n")
	run(t, clone, "add", "-f", "build/tracked.txt")
	run(t, clone, "commit", "-qm", "tracked in ignored dir")
	write(t, clone, "build/.gitignore", "!keep.txt\n")
	write(t, clone, "build/keep.txt", "k\n")
	run(t, clone, "status", "--porcelain")
	notWrong(t, clone)
}

// TestReviewCRLFGitignore: a .gitignore with CRLF line ends and trailing
// escaped space.
func TestReviewCRLFGitignore(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	write(t, clone, ".git/info/exclude", "a.txt\r\nb\\ \r\nc.txt \r\n")
	write(t, clone, "a.txt", "x")
	write(t, clone, "b ", "x")
	write(t, clone, "c.txt", "x")
	notWrong(t, clone)
	write(t, clone, ".git/info/exclude", "a.txt\r\nb\\ \r\n")
	notWrong(t, clone)
}

// TestReviewExecBitIsOwnerOnly: git's ie_match_stat compares only the
// owner's execute bit (S_IXUSR). An executable entry whose file became
// rw-r-xr-x is "mode changed" to git (100755 -> 100644); mgit compared
// "any execute bit" and said clean (seen with core.trustCtime=false, else
// chmod's new ctime sends it to git).
func TestReviewExecBitIsOwnerOnly(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	p := filepath.Join(clone, "run.sh")
	write(t, clone, "run.sh", "#!/bin/sh\n")
	if err := os.Chmod(p, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, clone, "add", "run.sh")
	run(t, clone, "commit", "-qm", "exec")
	// chmod changes ctime; without trustCtime only the mode can tell.
	run(t, clone, "config", "core.trustCtime", "false")
	run(t, clone, "status", "--porcelain")
	if err := os.Chmod(p, 0o655); err != nil {
		t.Fatal(err)
	}
	notWrong(t, clone)
	// And the other way: group-only execute is no mode change to git.
	if err := os.Chmod(filepath.Join(clone, "README.md"), 0o654); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, clone, "status", "--porcelain")
	notWrong(t, clone)
}

// TestReviewIndexFormats: index version 4 (prefix-compressed paths) and
// the untracked cache, as feature.manyFiles writes them, then a change.
func TestReviewIndexFormats(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "update-index", "--index-version", "4")
	run(t, clone, "update-index", "--untracked-cache")
	run(t, clone, "status", "--porcelain")
	notWrong(t, clone)
	write(t, clone, "src/a/new.go", "package main\n")
	notWrong(t, clone)
	run(t, clone, "add", "src/a/new.go")
	notWrong(t, clone)
}

// TestReviewBareExcludesFileKey: "[core] excludesFile" without a value is
// fatal to git ("missing value for 'core.excludesfile'"); mgit must not
// call the repository clean.
func TestReviewBareExcludesFileKey(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	f, err := os.OpenFile(filepath.Join(clone, ".git", "config"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("[core]\n\texcludesFile\n")
	_ = f.Close()
	if _, err := Read(clone); err == nil {
		t.Errorf("Read said clean; git: fatal: missing value for 'core.excludesfile'")
	}
}

// TestReviewTrackedDirBecameSymlink: a tracked directory replaced by a
// symbolic link to a copy of itself, and the link's name ignored.
func TestReviewTrackedDirBecameSymlink(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	copyDir := t.TempDir()
	write(t, copyDir, "main.go", "package main\n")
	if err := os.RemoveAll(filepath.Join(clone, "src", "a")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(copyDir, filepath.Join(clone, "src", "a")); err != nil {
		t.Fatal(err)
	}
	write(t, clone, ".git/info/exclude", "a\n")
	notWrong(t, clone)
}

// TestReviewNestedDotGit: an untracked nested repository, ignored or not.
func TestReviewNestedDotGit(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	run(t, clone, "init", "-q", "src/nested")
	notWrong(t, clone)
	write(t, clone, ".git/info/exclude", "nested/\n")
	notWrong(t, clone)
}

// TestReviewRacyWithIgnoredAttributes: an ignored, untracked .gitattributes
// ("* text") still applies to git's content check of a racily clean entry:
// a blob committed with CRLF normalises to LF, so git says "modified". mgit
// turned filters on only for a tracked .gitattributes, hashed the raw bytes
// (equal to the blob) and said clean.
func TestReviewRacyWithIgnoredAttributes(t *testing.T) {
	for _, dir := range []string{"", "src/"} {
		t.Run("at "+dir, func(t *testing.T) {
			isolate(t)
			_, _, clone := upstreamAndClone(t)
			run(t, clone, "config", "core.trustctime", "false")
			write(t, clone, "src/crlf.txt", "a\r\nb\r\n")
			run(t, clone, "add", "src/crlf.txt")
			run(t, clone, "commit", "-qm", "crlf")
			write(t, clone, ".git/info/exclude", ".gitattributes\n")
			write(t, clone, dir+".gitattributes", "* text\n")
			racy(t, clone, "src/crlf.txt")
			notWrong(t, clone)
		})
	}
}

// TestReviewAheadBehindSkewAndStaleGraph: a commit-graph written before
// more commits arrive (some commits in the graph, some not), a split
// chain, and committer dates that go backwards (clock skew) on the
// upstream side.
func TestReviewAheadBehindSkewAndStaleGraph(t *testing.T) {
	isolate(t)
	_, seed, clone := upstreamAndClone(t)
	run(t, clone, "commit-graph", "write", "--reachable")
	commitAt := func(dir, body, date string) {
		write(t, dir, "src/b.txt", body)
		cmd := exec.Command("git", "commit", "-qam", body)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE="+date, "GIT_AUTHOR_DATE="+date)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("commit: %v\n%s", err, out)
		}
	}
	commitAt(seed, "u1\n", "2001-01-01T00:00:00Z")
	commitAt(seed, "u2\n", "1990-01-01T00:00:00Z")
	commitAt(seed, "u3\n", "2030-01-01T00:00:00Z")
	run(t, seed, "push", "-q")
	run(t, clone, "fetch", "-q")
	for i, d := range []string{"1980-01-01T00:00:00Z", "2040-01-01T00:00:00Z", "1970-01-02T00:00:00Z"} {
		write(t, clone, "local.txt", d)
		run(t, clone, "add", "local.txt")
		cmd := exec.Command("git", "commit", "-qm", "local")
		cmd.Dir = clone
		cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE="+d, "GIT_AUTHOR_DATE="+d)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("commit: %v\n%s", err, out)
		}
		if i == 1 {
			run(t, clone, "commit-graph", "write", "--reachable", "--split")
		}
		run(t, clone, "status", "--porcelain")
		st, err := Read(clone)
		t.Logf("%d: ahead %d behind %d, %v", i, st.Ahead, st.Behind, err)
		notWrong(t, clone)
	}
}

// TestReviewGitignoreBOM: a .gitignore starting with a UTF-8 byte-order
// mark whose first line re-includes a file info/exclude ignores. git skips
// the mark (skip_utf8_bom) and shows the file untracked.
func TestReviewGitignoreBOM(t *testing.T) {
	isolate(t)
	_, _, clone := upstreamAndClone(t)
	write(t, clone, ".git/info/exclude", "*.txt\n")
	write(t, clone, "src/.gitignore", "\xef\xbb\xbf!keep.txt\n")
	run(t, clone, "add", "src/.gitignore")
	run(t, clone, "commit", "-qm", "bom")
	write(t, clone, "src/keep.txt", "k\n")
	notWrong(t, clone)
	// And a BOM before an ordinary pattern.
	write(t, clone, "src/.gitignore", "\xef\xbb\xbfkeep.txt\n")
	write(t, clone, ".git/info/exclude", "")
	run(t, clone, "commit", "-qam", "bom2")
	notWrong(t, clone)
}
