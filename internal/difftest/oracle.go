package difftest

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// statusArgs is how git is asked. --untracked-files=normal lists an
// untracked directory once, which is what Status.Untracked counts.
var statusArgs = []string{"status", "--porcelain=v2", "--branch", "--show-stash", "-z", "--untracked-files=normal"}

// Truth is git's answer about one repository.
type Truth struct {
	Status git.Status
	// Untracked are the paths git lists as untracked ("?").
	Untracked []string
}

// Ask asks git about the repository and checks git's answers against each
// other: `git rev-list --left-right --count` against status's branch.ab,
// `git stash list` against its stash count, `git log` against the HEAD
// commit the generator wrote.
func Ask(r *Repo) (Truth, error) {
	out, err := gitCmd(r.Dir, nil, statusArgs...)
	if err != nil {
		return Truth{}, err
	}
	t, oid, err := parsePorcelain(out)
	if err != nil {
		return t, err
	}
	if oid != "" {
		if t.Status.Head, err = headCommit(r, oid); err != nil {
			return t, err
		}
	}
	st := t.Status
	if st.Upstream != "" && !st.UpstreamGone && (r.Features.Has(Upstream) || r.Seed%8 == 0) {
		out, err := gitCmd(r.Dir, nil, "rev-list", "--left-right", "--count", "HEAD...@{upstream}")
		if err != nil {
			return t, err
		}
		if want := fmt.Sprintf("%d\t%d", st.Ahead, st.Behind); strings.TrimSpace(string(out)) != want {
			return t, fmt.Errorf("git disagrees with itself: status says ahead/behind %q, rev-list says %q", want, strings.TrimSpace(string(out)))
		}
	}
	if r.Features.Has(Stash) || r.Seed%8 == 0 {
		out, err := gitCmd(r.Dir, nil, "stash", "list")
		if err != nil {
			return t, err
		}
		if n := bytes.Count(out, []byte("\n")); n != st.Stash {
			return t, fmt.Errorf("git disagrees with itself: status shows %d stash entries, stash list %d", st.Stash, n)
		}
	}
	return t, nil
}

// headCommit is HEAD's commit as git shows it (%H, %s, %an, author date).
// When the generator wrote HEAD with a subject and author that involve no
// formatting rule it is taken from the generator; one repository in
// eight checks that shortcut against git anyway.
func headCommit(r *Repo, oid string) (git.Commit, error) {
	if oid == r.headSHA && r.headPlain && r.Seed%8 != 0 {
		return git.Commit{SHA: oid, Subject: r.head.subject, Author: r.head.author, Time: r.head.when}, nil
	}
	out, err := gitCmd(r.Dir, nil, "log", "-1", "--format=%H%x00%s%x00%an%x00%aI", oid)
	if err != nil {
		return git.Commit{}, err
	}
	f := strings.Split(strings.TrimSuffix(string(out), "\n"), "\x00")
	if len(f) != 4 {
		return git.Commit{}, fmt.Errorf("read git log: %q", out)
	}
	when, err := time.Parse(time.RFC3339, f[3])
	if err != nil {
		return git.Commit{}, fmt.Errorf("read git log date: %w", err)
	}
	c := git.Commit{SHA: f[0], Subject: f[1], Author: f[2], Time: when}
	if oid == r.headSHA && r.headPlain && (c.Subject != r.head.subject || c.Author != r.head.author || !c.Time.Equal(r.head.when)) {
		return c, fmt.Errorf("generator's HEAD %+v is not git's %+v", r.head, c)
	}
	return c, nil
}

// parsePorcelain reads `git status --porcelain=v2 --branch --show-stash
// -z` into the fields of git.Status, by the rules Status documents:
// an entry whose X is not '.' is staged, one whose Y is not '.' is
// unstaged (both when both), 'u' is a conflict, '?' untracked.
func parsePorcelain(out []byte) (Truth, string, error) {
	var (
		t        Truth
		oid      string
		upstream string
		sawAB    bool
	)
	st := &t.Status
	recs := strings.Split(string(out), "\x00")
	for i := 0; i < len(recs); i++ {
		rec := recs[i]
		if rec == "" {
			continue
		}
		fields := strings.Fields(rec)
		switch {
		case strings.HasPrefix(rec, "# branch.oid "):
			oid = strings.TrimPrefix(rec, "# branch.oid ")
			if oid == "(initial)" {
				oid, st.NoCommits = "", true
			}
		case strings.HasPrefix(rec, "# branch.head "):
			if h := strings.TrimPrefix(rec, "# branch.head "); h == "(detached)" {
				st.Detached = true
			} else {
				st.Branch = h
			}
		case strings.HasPrefix(rec, "# branch.upstream "):
			upstream = strings.TrimPrefix(rec, "# branch.upstream ")
		case strings.HasPrefix(rec, "# branch.ab "):
			sawAB = true
			if len(fields) != 4 {
				return t, "", fmt.Errorf("parse git status: %q", rec)
			}
			st.Ahead, _ = strconv.Atoi(strings.TrimPrefix(fields[2], "+"))
			st.Behind, _ = strconv.Atoi(strings.TrimPrefix(fields[3], "-"))
		case strings.HasPrefix(rec, "# stash "):
			st.Stash, _ = strconv.Atoi(strings.TrimPrefix(rec, "# stash "))
		case rec[0] == '1' || rec[0] == '2':
			if fields[1][0] != '.' {
				st.Staged++
			}
			if fields[1][1] != '.' {
				st.Unstaged++
			}
			if rec[0] == '2' {
				i++ // the rename's original path
			}
		case rec[0] == 'u':
			st.Conflicts++
		case rec[0] == '?':
			st.Untracked++
			t.Untracked = append(t.Untracked, rec[2:])
		case rec[0] == '#':
		default:
			return t, "", fmt.Errorf("parse git status: unexpected record %q", rec)
		}
	}
	if upstream != "" {
		st.Upstream, st.UpstreamGone = upstream, !sawAB
	}
	return t, oid, nil
}

// ExplainIgnores asks `git check-ignore` which rule, if any, decides each
// path the generator left untracked: what a reader needs when the
// untracked counts disagree.
func ExplainIgnores(r *Repo) string {
	if len(r.Untracked) == 0 {
		return ""
	}
	in := strings.Join(r.Untracked, "\x00") + "\x00"
	out, err := gitCmd(r.Dir, strings.NewReader(in), "check-ignore", "-z", "-v", "-n", "--stdin")
	if err != nil && len(out) == 0 {
		return "git check-ignore: " + err.Error()
	}
	var b strings.Builder
	f := strings.Split(string(out), "\x00")
	for i := 0; i+3 < len(f); i += 4 {
		src, line, pattern, path := f[i], f[i+1], f[i+2], f[i+3]
		if src == "" {
			fmt.Fprintf(&b, "  %q: not ignored\n", path)
			continue
		}
		fmt.Fprintf(&b, "  %q: %s:%s %q\n", path, src, line, pattern)
	}
	return b.String()
}
