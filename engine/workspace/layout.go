package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/redact"
)

// ErrUnsafePath is wrapped by every error Destination returns for a URL whose
// destination would be unsafe or ambiguous on disk.
var ErrUnsafePath = errors.New("unsafe destination")

// Remote is a clone URL taken apart.
type Remote struct {
	// Scheme is "https", "http", "ssh", "git", "file", or "ssh" for the
	// scp-like form user@host:path.
	Scheme string
	// Host is the lower-cased host name without user info, with ":port"
	// when a non-default port is given ("" for file URLs).
	Host string
	// Path is the repository path without leading or trailing slashes and
	// without a trailing ".git" ("org/repo").
	Path string
}

// ParseRemote parses a clone URL: scheme://[user@]host[:port]/path for the
// schemes http, https, ssh, git and file, the scp-like [user@]host:path, or
// an absolute local path (treated as a file URL, as git does). Relative
// local paths are refused: their meaning depends on the working directory.
func ParseRemote(raw string) (Remote, error) {
	if raw == "" {
		return Remote{}, fmt.Errorf("url %q: empty", raw)
	}
	if strings.IndexFunc(raw, isControl) >= 0 {
		return Remote{}, fmt.Errorf("url %q: %w: control character", redact.URL(raw), ErrUnsafePath)
	}
	switch {
	case strings.Contains(raw, "://"):
		u, err := url.Parse(raw)
		if err != nil {
			// A *url.Error quotes the raw URL, password and all: keep only
			// its reason.
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			return Remote{}, fmt.Errorf("url %q: %w", redact.URL(raw), err)
		}
		scheme := strings.ToLower(u.Scheme)
		switch scheme {
		case "http", "https", "ssh", "git", "git+ssh", "ssh+git":
		case "file":
			return Remote{Scheme: scheme, Path: trimRepoPath(u.Path)}, nil
		default:
			return Remote{}, fmt.Errorf("url %q: unsupported scheme %q", redact.URL(raw), u.Scheme)
		}
		if scheme == "git+ssh" || scheme == "ssh+git" {
			scheme = "ssh"
		}
		host := strings.ToLower(u.Hostname())
		if host == "" {
			return Remote{}, fmt.Errorf("url %q: no host", redact.URL(raw))
		}
		// The scheme's default port is dropped (git.DefaultPort), so
		// https://h:443/x and https://h/x land in one directory and share
		// the per-host limit.
		if port := u.Port(); port != "" && port != git.DefaultPort(scheme) {
			host = net.JoinHostPort(host, port)
		}
		return Remote{Scheme: scheme, Host: host, Path: trimRepoPath(u.Path)}, nil
	case filepath.IsAbs(raw):
		return Remote{Scheme: "file", Path: trimRepoPath(filepath.ToSlash(raw))}, nil
	}
	// scp-like: [user@]host:path, where no slash comes before the colon (git's
	// own rule for telling it from a local path).
	colon := strings.IndexByte(raw, ':')
	if colon <= 0 || strings.Contains(raw[:colon], "/") {
		return Remote{}, fmt.Errorf("url %q: not a URL (want https://, ssh://, user@host:path, file:// or an absolute path)", raw)
	}
	hostPart := raw[:colon]
	if at := strings.LastIndexByte(hostPart, '@'); at >= 0 {
		hostPart = hostPart[at+1:]
	}
	hostPart = strings.Trim(hostPart, "[]")
	if hostPart == "" {
		return Remote{}, fmt.Errorf("url %q: no host", redact.URL(raw))
	}
	return Remote{Scheme: "ssh", Host: strings.ToLower(hostPart), Path: trimRepoPath(raw[colon+1:])}, nil
}

// trimRepoPath removes leading and trailing slashes and one trailing ".git".
func trimRepoPath(p string) string {
	p = strings.Trim(p, "/")
	p = strings.TrimSuffix(p, ".git")
	return strings.TrimRight(p, "/")
}

// SameRemote reports whether two clone URLs name the same repository,
// ignoring user info, scheme-default ports, the case of the host, and a
// trailing ".git" or slash. URLs that do not parse are compared as strings.
func SameRemote(a, b string) bool {
	ra, errA := ParseRemote(a)
	rb, errB := ParseRemote(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return ra.Host == rb.Host && ra.Path == rb.Path && sameFamily(ra.Scheme, rb.Scheme)
}

// sameFamily treats http and https as one transport (servers redirect), ssh
// forms as another; a file URL only matches a file URL.
func sameFamily(a, b string) bool {
	fam := func(s string) string {
		if s == "http" || s == "https" {
			return "http"
		}
		return s
	}
	return fam(a) == fam(b)
}

// Destination computes where a clone of rawURL lands under root:
// <root>/<host>/<path-without-.git> (LayoutHost) or <root>/<name> (LayoutFlat).
// It returns the absolute destination and the remote's host (for the
// per-host limit and the credential lookup).
//
// The host directory is the host name without user info; a non-default port
// is kept as "host_port" (two servers on one machine are different servers,
// and ':' is not portable in file names). File URLs have no host: with
// LayoutHost they land under <root>/localhost/<path>.
//
// Every path segment taken from the URL (after percent-decoding) must be
// non-empty, not "." or "..", free of control characters and backslashes,
// and not ".git"; the result must stay inside root even after resolving the
// symlinks that already exist on disk. Violations wrap ErrUnsafePath.
func Destination(root, rawURL string, layout Layout) (dest string, host string, err error) {
	r, err := ParseRemote(rawURL)
	if err != nil {
		return "", "", err
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", "", fmt.Errorf("destination for %q: root %s: %w", redact.URL(rawURL), root, err)
	}
	segs := strings.Split(r.Path, "/")
	for _, s := range segs {
		if err := checkSegment(s); err != nil {
			return "", "", fmt.Errorf("destination for %q: path segment %q: %w", redact.URL(rawURL), s, err)
		}
	}
	var parts []string
	switch layout {
	case LayoutFlat:
		parts = []string{segs[len(segs)-1]}
	case LayoutHost, "":
		hostDir := "localhost"
		if r.Host != "" {
			hostDir = strings.ReplaceAll(r.Host, ":", "_")
		}
		if err := checkSegment(hostDir); err != nil {
			return "", "", fmt.Errorf("destination for %q: host %q: %w", redact.URL(rawURL), r.Host, err)
		}
		parts = append([]string{hostDir}, segs...)
	default:
		return "", "", fmt.Errorf("destination for %q: unknown layout %q (want host or flat)", redact.URL(rawURL), layout)
	}
	if err := checkTopLevel(parts[0]); err != nil {
		return "", "", fmt.Errorf("destination for %q: %w", redact.URL(rawURL), err)
	}
	dest = filepath.Join(append([]string{absRoot}, parts...)...)
	if !within(absRoot, dest) {
		return "", "", fmt.Errorf("destination for %q: %s leaves %s: %w", redact.URL(rawURL), dest, absRoot, ErrUnsafePath)
	}
	realRoot, err := resolveExisting(absRoot)
	if err != nil {
		return "", "", fmt.Errorf("destination for %q: resolve root: %w", redact.URL(rawURL), err)
	}
	realDest, err := resolveExisting(dest)
	if err != nil {
		return "", "", fmt.Errorf("destination for %q: resolve %s: %w", redact.URL(rawURL), dest, err)
	}
	if !within(realRoot, realDest) {
		return "", "", fmt.Errorf("destination for %q: %s resolves to %s through a symlink outside %s: %w",
			redact.URL(rawURL), dest, realDest, absRoot, ErrUnsafePath)
	}
	return dest, r.Host, nil
}

// checkSegment applies the rules every path segment from a URL must obey.
func checkSegment(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: empty path segment", ErrUnsafePath)
	case s == "." || s == "..":
		return fmt.Errorf("%w: relative path segment", ErrUnsafePath)
	case isGitAlias(s):
		return fmt.Errorf("%w: .git path segment", ErrUnsafePath)
	case strings.IndexFunc(s, isControl) >= 0:
		return fmt.Errorf("%w: control character", ErrUnsafePath)
	case strings.ContainsAny(s, `\/`):
		return fmt.Errorf("%w: path separator inside a segment", ErrUnsafePath)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// isGitAlias reports whether a file system may treat s as ".git": any case
// (macOS, Windows), trailing dots and spaces dropped (Windows), and the
// NTFS short name GIT~1. (secure.ValidateName applies the same rule.)
func isGitAlias(s string) bool {
	n := strings.ToLower(strings.TrimRight(s, ". "))
	return n == ".git" || n == "git~1"
}

// within reports whether p is root or below it (both clean and absolute).
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// resolveExisting resolves the symlinks of the longest existing prefix of p
// and appends the rest unchanged: the part that does not exist yet cannot
// contain a symlink.
func resolveExisting(p string) (string, error) {
	var tail []string
	cur := p
	for {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(append([]string{real}, tail...)...), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			// A dangling symlink also reports not-exist from EvalSymlinks;
			// anything else (permission) is a real failure.
			return "", err
		}
		if _, lerr := os.Lstat(cur); lerr == nil {
			// cur exists but resolving it fails: a dangling symlink. Where it
			// points is unknown ground, so refuse.
			return "", fmt.Errorf("%s: dangling symlink: %w", cur, ErrUnsafePath)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p, nil
		}
		tail = append([]string{filepath.Base(cur)}, tail...)
		cur = parent
	}
}
