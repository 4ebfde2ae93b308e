package git

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// CheckoutOptions configures Checkout.
type CheckoutOptions struct {
	// Branch is the short name of the branch to switch to ("main", not
	// "refs/heads/main"). It must pass ValidateBranch.
	Branch string
	// Create creates Branch first; it is an error when it already exists
	// locally. Without Create the branch must exist locally.
	Create bool
	// StartPoint is where a created branch starts: a remote-tracking branch
	// ("origin/feature", which the new branch then tracks), a local branch,
	// or "HEAD". Empty means the remote-tracking branch of the same name
	// when exactly one remote (origin preferred) has it, HEAD otherwise.
	StartPoint string
	// DryRun runs every check the checkout would run — the branch and
	// start point exist, the branch is not checked out in another
	// worktree, no local change or untracked file is in the way — and
	// returns the error the checkout would return, changing nothing.
	DryRun bool
}

// maxBlocked bounds the paths named in a refusal: git lists them all, a
// table cell cannot.
const maxBlocked = 10

// BlockedDetail is the detail of a checkout refused for local work: the
// paths that are in the way, sorted, the first few named, each quoted when
// it holds a control character (a path is data from the repository and must
// not move a terminal's cursor).
func BlockedDetail(paths []string) string {
	return "local changes would be overwritten by checkout: " + PathList(paths)
}

// IgnoredBlockedDetail is the refusal of a checkout or pull that would
// overwrite ignored (or excluded) files: git counts them as expendable,
// mgit as local work nothing could restore.
func IgnoredBlockedDetail(paths []string) string {
	return "ignored files would be overwritten: " + PathList(paths) +
		"; they are local work that git cannot restore: move them aside (or commit them) and try again"
}

// PathList names paths for a message: sorted, the first few, each quoted
// when it holds a control character, "and N more" for the rest.
func PathList(paths []string) string {
	ps := append([]string(nil), paths...)
	sort.Strings(ps)
	ps = slices.Compact(ps)
	more := ""
	if len(ps) > maxBlocked {
		more = fmt.Sprintf(" and %d more", len(ps)-maxBlocked)
		ps = ps[:maxBlocked]
	}
	for i, p := range ps {
		ps[i] = safePath(p)
	}
	return strings.Join(ps, ", ") + more
}

// safePath quotes p (Go syntax) when it holds a control character.
func safePath(p string) string {
	for _, r := range p {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return strconv.Quote(p)
		}
	}
	return p
}

// Branches lists the branches of a repository, sorted by name.
type Branches struct {
	// Local are short names ("main").
	Local []string
	// Remote are remote-tracking branches as "origin/main"; symbolic refs
	// such as origin/HEAD are left out.
	Remote []string
}

// HasLocal reports whether the local branch name exists.
func (b Branches) HasLocal(name string) bool { return contains(b.Local, name) }

// Tracking returns the remote-tracking branch a new branch called name
// would track: origin/name when it exists, else R/name when exactly one
// remote R has it, else "".
func (b Branches) Tracking(name string) string {
	if contains(b.Remote, "origin/"+name) {
		return "origin/" + name
	}
	found := ""
	for _, r := range b.Remote {
		if _, rest, ok := strings.Cut(r, "/"); ok && rest == name {
			if found != "" {
				return "" // ambiguous: git would refuse to guess too
			}
			found = r
		}
	}
	return found
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FileChange is one path of `git status`. A path changed in both the index
// and the work tree is Staged and Unstaged.
type FileChange struct {
	// Path is slash-separated and relative to the work tree root; for a
	// rename it is the new path. An untracked directory holding no tracked
	// file is listed once, with a trailing slash, as git status does.
	Path      string
	Staged    bool
	Unstaged  bool
	Untracked bool
	Conflict  bool
}

// ValidateBranch rejects a branch name git would refuse (the rules of
// git check-ref-format --branch) and any name that could be read as an
// option on a command line.
func ValidateBranch(name string) error {
	bad := func(why string) error { return fmt.Errorf("invalid branch name %q: %s", name, why) }
	switch {
	case name == "":
		return bad("empty")
	case strings.HasPrefix(name, "-"):
		return bad("starts with '-'")
	case name == "@" || name == "HEAD":
		return bad("reserved name")
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, ".lock"):
		return bad("ends with '.' or '.lock'")
	case strings.Contains(name, "..") || strings.Contains(name, "@{") || strings.Contains(name, "//"):
		return bad("contains '..', '@{' or '//'")
	case strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/"):
		return bad("starts or ends with '/'")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(" ~^:?*[\\", r) {
			return bad("contains a space, control character or one of ~^:?*[\\")
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return bad("a component starts with '.' or ends with '.lock'")
		}
	}
	return nil
}
