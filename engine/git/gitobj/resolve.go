package gitobj

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mgit-dev/mgit/engine/humanize"
)

// PackedRef is one record of packed-refs: the id the ref holds and, for an
// annotated tag packed with its peeled value ("^" line), the commit it
// peels to.
type PackedRef struct {
	SHA, Peeled string
}

// ReadPackedRefs parses commonDir/packed-refs as git's packed-refs backend
// does: an optional "# pack-refs with:" header, "<id> <name>" records, each
// optionally followed by a "^<id>" peeled line. A missing file is no refs;
// an unreadable one, or a line git would call corrupt, is ErrNeedGit (an
// unreadable file is not an absent ref).
func ReadPackedRefs(commonDir string) (map[string]PackedRef, error) {
	b, err := os.ReadFile(filepath.Join(commonDir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]PackedRef{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read packed-refs: %v: %w", err, ErrNeedGit)
	}
	refs := map[string]PackedRef{}
	last := ""
	for i, line := 0, []byte(nil); len(b) > 0; i++ {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("packed-refs: unterminated line: %w", ErrNeedGit)
		}
		line, b = b[:nl], b[nl+1:]
		switch {
		case i == 0 && bytes.HasPrefix(line, []byte("# pack-refs with:")):
			continue
		case len(line) == 41 && line[0] == '^' && isSHA1(string(line[1:])) && last != "":
			p := refs[last]
			p.Peeled = string(line[1:])
			refs[last] = p
			last = "" // one peeled line per record
			continue
		case len(line) > 41 && line[40] == ' ' && isSHA1(string(line[:40])) && ValidRefName(string(line[41:])):
			last = string(line[41:])
			refs[last] = PackedRef{SHA: string(line[:40])}
		default:
			return nil, fmt.Errorf("packed-refs: unexpected line %q: %w", humanize.Truncate(string(line), 60), ErrNeedGit)
		}
	}
	return refs, nil
}

// symrefMaxDepth is git's SYMREF_MAXDEPTH.
const symrefMaxDepth = 5

// ResolveRef returns the commit id name ("HEAD", "refs/heads/main", …)
// resolves to, following symbolic refs as git does, and whether it exists.
// Loose files are read before packed-refs (a loose ref overrides a packed
// one); per-worktree refs are read from the git directory, the others from
// the common directory. Anything unusual — a broken or oddly named ref,
// reftable, a symbolic chain deeper than git follows — is ErrNeedGit.
func ResolveRef(r Repo, name string) (sha string, found bool, err error) {
	if _, err := os.Lstat(filepath.Join(r.CommonDir, "reftable")); err == nil {
		return "", false, fmt.Errorf("resolve %s: reftable: %w", name, ErrNeedGit)
	}
	var packed map[string]PackedRef
	for range symrefMaxDepth + 1 {
		target, val, ok, err := readLooseRef(r, name)
		if err != nil {
			return "", false, err
		}
		if !ok {
			if packed == nil {
				if packed, err = ReadPackedRefs(r.CommonDir); err != nil {
					return "", false, err
				}
			}
			p, ok := packed[name]
			return p.SHA, ok, nil
		}
		if target == "" {
			return val, true, nil
		}
		name = target
	}
	return "", false, fmt.Errorf("resolve %s: symbolic refs nested too deep: %w", name, ErrNeedGit)
}

// readLooseRef reads the loose file of name: a symbolic target, or an id;
// ok is false when there is no such file.
func readLooseRef(r Repo, name string) (target, sha string, ok bool, err error) {
	if name != "HEAD" && !(strings.HasPrefix(name, "refs/") && ValidRefName(name)) {
		return "", "", false, fmt.Errorf("ref %q: %w", humanize.Truncate(name, 60), ErrNeedGit)
	}
	dir := r.CommonDir
	if name == "HEAD" || perWorktree(name) {
		dir = r.GitDir
	}
	path := filepath.Join(dir, filepath.FromSlash(name))
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", false, nil
	}
	if err == nil && !fi.Mode().IsRegular() {
		// A directory (git then looks in packed-refs) or a symbolic link
		// (git's own rules): rare enough to leave to git.
		return "", "", false, fmt.Errorf("ref %s is not a regular file: %w", name, ErrNeedGit)
	}
	var b []byte
	if err == nil {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", "", false, fmt.Errorf("read ref %s: %v: %w", name, err, ErrNeedGit)
	}
	v := string(b)
	if t, ok := strings.CutPrefix(v, "ref:"); ok {
		t = strings.TrimSpace(t)
		if !strings.HasPrefix(t, "refs/") || !ValidRefName(t) {
			return "", "", false, fmt.Errorf("ref %s: symbolic ref to %q: %w", name, humanize.Truncate(t, 60), ErrNeedGit)
		}
		return t, "", true, nil
	}
	// parse_loose_ref_contents: an id, then the end or white space.
	if len(v) < 40 || !isSHA1(v[:40]) || (len(v) > 40 && !isSpace(v[40])) {
		return "", "", false, fmt.Errorf("ref %s: broken: %w", name, ErrNeedGit)
	}
	return "", v[:40], true, nil
}

func perWorktree(name string) bool {
	for _, p := range []string{"refs/bisect/", "refs/worktree/", "refs/rewritten/"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Head is what HEAD says: the branch it points at (Ref "refs/heads/x",
// Branch "x") and its commit, SHA "" when the branch is unborn; or, when
// Detached, only SHA.
type Head struct {
	Ref, Branch string
	SHA         string
	Detached    bool
}

// ReadHead reads HEAD of the work tree's git directory. A HEAD pointing
// outside refs/heads/ is ErrNeedGit.
func ReadHead(r Repo) (Head, error) {
	target, sha, ok, err := readLooseRef(r, "HEAD")
	if err != nil {
		return Head{}, err
	}
	if !ok {
		return Head{}, fmt.Errorf("read HEAD: missing: %w", ErrNeedGit)
	}
	if target == "" {
		return Head{SHA: sha, Detached: true}, nil
	}
	branch, isBranch := strings.CutPrefix(target, "refs/heads/")
	if !isBranch {
		return Head{}, fmt.Errorf("HEAD points at %s: %w", target, ErrNeedGit)
	}
	sha, _, err = ResolveRef(r, target)
	if err != nil {
		return Head{}, err
	}
	return Head{Ref: target, Branch: branch, SHA: sha}, nil
}

// ValidRefName is git's check_refname_format for a full ref name
// ("refs/heads/x"): no empty, "."-leading or ".lock"-ending component, no
// "..", "@{", control characters, space or any of ~^:?*[\, not ending in
// "/" or ".", and not "@".
func ValidRefName(name string) bool {
	if name == "" || name == "@" || strings.HasSuffix(name, ".") || strings.Contains(name, "..") || strings.Contains(name, "@{") {
		return false
	}
	for comp := range strings.SplitSeq(name, "/") {
		if comp == "" || comp[0] == '.' || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte("~^:?*[\\", c) >= 0 {
			return false
		}
	}
	return true
}

// StashCount counts stash entries the way `git status --show-stash` does:
// the entries of the refs/stash reflog.
func StashCount(r Repo) (int, error) {
	b, err := os.ReadFile(filepath.Join(r.CommonDir, "logs", "refs", "stash"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read stash log: %v: %w", err, ErrNeedGit)
	}
	n := 0
	for line := range bytes.Lines(b) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n, nil
}
