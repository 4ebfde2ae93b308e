package secure

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrRejected is wrapped by every InputError, so callers can tell a
// rejected input (exit 2, an audit event) from other failures.
var ErrRejected = errors.New("input rejected")

// InputError says which input was refused and by which rule.
type InputError struct {
	// Input names where the value came from: "--from line 3", "provider
	// work: repository name", "MGIT_METRICS_ADDR".
	Input string
	// Value is the refused value, sanitized for a terminal and with
	// credential shapes masked.
	Value string
	// Rule is the rule it broke, in words.
	Rule string
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Input, e.Value, e.Rule)
}

func (e *InputError) Unwrap() error { return ErrRejected }

// reject builds an InputError; value is made safe to print.
func reject(input, value, rule string) error {
	const maxShown = 200
	v := maskLongWords(Sanitize(value))
	if len(v) > maxShown {
		v = v[:maxShown] + "…"
	}
	return &InputError{Input: input, Value: v, Rule: rule}
}

// maxNameLen bounds a name: every file system mgit runs on allows 255
// bytes per path component.
const maxNameLen = 255

// ValidateName checks one repository, organisation, project or group name
// (one path segment) from a provider or a user, before it becomes part of
// a path, a URL or a terminal line: not empty, at most 255 bytes of valid
// UTF-8, no control or bidirectional characters, no '/' or '\', not "." or
// "..", no leading '-' (it would read as an option), and not ".git" in any
// case or any alias a file system folds to it (".git.", ".git ", "git~1").
func ValidateName(input, name string) error {
	switch {
	case name == "":
		return reject(input, name, "must not be empty")
	case len(name) > maxNameLen:
		return reject(input, name, fmt.Sprintf("longer than %d bytes", maxNameLen))
	case !utf8.ValidString(name):
		return reject(input, name, "not valid UTF-8")
	case strings.IndexFunc(name, IsUnsafeRune) >= 0:
		return reject(input, name, "contains a control character")
	case strings.ContainsAny(name, `/\`):
		return reject(input, name, "contains a path separator")
	case name == "." || name == "..":
		return reject(input, name, "is a relative path component")
	case name[0] == '-':
		return reject(input, name, "starts with '-' (would be read as an option)")
	case isGitDirName(name):
		return reject(input, name, "is a name git reserves (.git)")
	}
	return nil
}

// ValidatePathName checks a slash-separated name (a GitLab group path
// "group/subgroup", an Azure DevOps project): each segment by ValidateName.
func ValidatePathName(input, name string) error {
	if name == "" {
		return reject(input, name, "must not be empty")
	}
	for _, seg := range strings.Split(name, "/") {
		if err := ValidateName(input, seg); err != nil {
			var ie *InputError
			if errors.As(err, &ie) {
				return reject(input, name, "segment "+strconv.Quote(ie.Value)+" "+ie.Rule)
			}
			return err
		}
	}
	return nil
}

// isGitDirName reports whether a file system may treat name as ".git":
// case-insensitive file systems (macOS, Windows), Windows dropping
// trailing dots and spaces, and the NTFS short name GIT~1.
func isGitDirName(name string) bool {
	n := strings.ToLower(strings.TrimRight(name, ". "))
	return n == ".git" || n == "git~1"
}

// ValidateBranch checks a branch name from a provider or a user by the
// rules of `git check-ref-format --branch`, and, stricter than it, refuses
// a leading '-', "@" and "HEAD" (git itself refuses those as new branch
// names: they read as an option or as HEAD) and names over 255 bytes.
func ValidateBranch(input, name string) error {
	if err := checkRefFormat(name); err != "" {
		return reject(input, name, err)
	}
	return nil
}

// checkRefFormat implements git's refname rules (refs.c
// check_refname_component and check_refname_format for "refs/heads/" +
// name) and returns the broken rule, or "".
func checkRefFormat(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > maxNameLen:
		return fmt.Sprintf("longer than %d bytes", maxNameLen)
	case name[0] == '-':
		return "starts with '-' (would be read as an option)"
	case name == "@" || name == "HEAD":
		return "is " + strconv.Quote(name) + ", which git reads as HEAD"
	case strings.HasSuffix(name, "/"):
		return "ends with '/'"
	case strings.HasSuffix(name, "."):
		return "ends with '.'"
	case strings.Contains(name, ".."):
		return "contains \"..\""
	case strings.Contains(name, "@{"):
		return "contains \"@{\""
	case strings.Contains(name, "//"):
		return "contains \"//\""
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c == 0x7f {
			return "contains a control character"
		}
		switch c {
		case ' ', '~', '^', ':', '?', '*', '[', '\\':
			return fmt.Sprintf("contains %q, which git forbids in branch names", string(c))
		}
	}
	for _, comp := range strings.Split(name, "/") {
		switch {
		case comp == "":
			return "has an empty component"
		case comp[0] == '.':
			return "has a component starting with '.'"
		case strings.HasSuffix(comp, ".lock"):
			return "has a component ending with \".lock\""
		}
	}
	return ""
}

// URLOptions say which URLs ValidateURL accepts besides https and ssh.
type URLOptions struct {
	// AllowInsecureHTTP accepts http:// and git:// to any host (the global
	// --allow-insecure-http); without it only loopback hosts may use them.
	AllowInsecureHTTP bool
	// AllowFile accepts file:// URLs and absolute local paths: only for
	// sources the user typed, never for URLs a provider returned.
	AllowFile bool
}

// ValidateURL checks a clone or API URL: https and ssh (ssh://, and the
// scp-like user@host:path); http and git only for loopback hosts or with
// AllowInsecureHTTP; file only with AllowFile. It refuses control
// characters, any userinfo in a non-ssh URL and a password in an ssh one
// (see rejectUserinfo), a
// host or path starting with '-' (option injection into ssh or git), and
// git's "transport::address" remote-helper syntax (ext:: runs commands).
func ValidateURL(input, raw string, opt URLOptions) error {
	// Userinfo first, read as text: every later refusal shows the URL, and
	// one that does not parse must not be echoed with a token in it.
	if err := rejectUserinfo(input, raw); err != nil {
		return err
	}
	switch {
	case raw == "":
		return reject(input, raw, "must not be empty")
	case strings.IndexFunc(raw, IsUnsafeRune) >= 0 || strings.ContainsAny(raw, " \t"):
		return reject(input, raw, "contains a control character or white space")
	case raw[0] == '-':
		return reject(input, raw, "starts with '-' (would be read as an option)")
	case isRemoteHelper(raw):
		return reject(input, raw, "uses git's transport::address remote-helper syntax, which mgit never runs")
	}
	if !strings.Contains(raw, "://") {
		if filepath.IsAbs(raw) {
			if !opt.AllowFile {
				return reject(input, raw, "local paths are accepted only as sources you give, not from a provider")
			}
			return nil
		}
		return validateSCP(input, raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return reject(input, raw, "not a URL: "+strings.TrimPrefix(err.Error(), "parse "+strconv.Quote(raw)+": "))
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			return reject(input, raw, "contains a password or token (put it in the keyring with 'mgit login', or MGIT_TOKEN)")
		}
	}
	host := u.Hostname()
	switch strings.ToLower(u.Scheme) {
	case "https", "ssh", "git+ssh", "ssh+git":
	case "http", "git":
		if !opt.AllowInsecureHTTP && !IsLoopback(host) {
			return reject(input, raw, "unencrypted "+u.Scheme+" is allowed only to a loopback host or with --allow-insecure-http")
		}
	case "file":
		if !opt.AllowFile {
			return reject(input, raw, "file URLs are accepted only as sources you give, not from a provider")
		}
		return nil
	default:
		return reject(input, raw, "unsupported scheme "+strconv.Quote(u.Scheme)+" (want https or ssh)")
	}
	switch {
	case host == "":
		return reject(input, raw, "has no host")
	case host[0] == '-':
		return reject(input, raw, "host starts with '-' (would be read as an option)")
	case strings.HasPrefix(strings.TrimLeft(u.Path, "/"), "-"):
		return reject(input, raw, "path starts with '-' (would be read as an option)")
	}
	return nil
}

// rejectUserinfo refuses userinfo in a "scheme://user[:password]@host"
// URL, found as text so that a URL that does not parse is covered too: in
// http(s) and git URLs any of it — a token works as the user name with
// every provider, and a token of no known shape would otherwise be cloned
// with, kept in .git/config and shown in git's argv; in ssh URLs a
// password (the user name, git@, is how ssh logs in). The refusal shows the
// URL with the userinfo masked, never the userinfo.
func rejectUserinfo(input, raw string) error {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil // scp-like user@host:path is ssh; a path has no userinfo
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return nil
	}
	userinfo := authority[:at]
	masked := scheme + "://" + Mask + "@" + rest[at+1:]
	switch strings.ToLower(scheme) {
	case "ssh", "git+ssh", "ssh+git":
		if !strings.Contains(userinfo, ":") {
			return nil
		}
		return reject(input, masked, "contains a password: use an ssh key (ssh-agent) instead")
	}
	return reject(input, masked, "contains a user name or password: mgit never puts a credential in a URL "+
		"(git would keep it in .git/config and show it in its command line); remove it and run 'mgit login' "+
		"(or set MGIT_TOKEN, or use git's credential helper)")
}

// validateSCP checks the scp-like [user@]host:path form.
func validateSCP(input, raw string) error {
	colon := strings.IndexByte(raw, ':')
	if colon <= 0 || strings.Contains(raw[:colon], "/") {
		return reject(input, raw, "not a URL (want https://, ssh:// or user@host:path)")
	}
	host := raw[:colon]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	path := raw[colon+1:]
	switch {
	case strings.Trim(host, "[]") == "":
		return reject(input, raw, "has no host")
	case host[0] == '-':
		return reject(input, raw, "host starts with '-' (would be read as an option)")
	case path == "" || strings.HasPrefix(strings.TrimLeft(path, "/"), "-"):
		return reject(input, raw, "path is empty or starts with '-'")
	}
	return nil
}

// isRemoteHelper reports git's "<transport>::<address>" form.
func isRemoteHelper(raw string) bool {
	i := strings.Index(raw, "::")
	if i <= 0 {
		return false
	}
	for _, c := range raw[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// IsLoopback reports whether host (no port) is localhost or a loopback
// address.
func IsLoopback(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// maxQueryLen bounds a query: a long one is a mistake or an attack on the
// glob matcher.
const maxQueryLen = 1024

// ValidateQuery checks the text of an org/project/repo query before it is
// parsed: at most 1024 bytes of valid UTF-8 without control characters.
// (The grammar is engine/provider.ParseQuery's.)
func ValidateQuery(input, q string) error {
	switch {
	case len(q) > maxQueryLen:
		return reject(input, q, fmt.Sprintf("longer than %d bytes", maxQueryLen))
	case !utf8.ValidString(q):
		return reject(input, q, "not valid UTF-8")
	case strings.IndexFunc(q, IsUnsafeRune) >= 0:
		return reject(input, q, "contains a control character")
	}
	return nil
}

// ParseDuration parses a configuration or environment duration ("90s",
// "5m") and checks it lies in [lo, hi].
func ParseDuration(input, value string, lo, hi time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(value))
	if err != nil {
		return 0, reject(input, value, "not a duration (use e.g. 90s, 5m or 1h)")
	}
	if d < lo || d > hi {
		return 0, reject(input, value, fmt.Sprintf("must be between %s and %s", ShortDuration(lo), ShortDuration(hi)))
	}
	return d, nil
}

// ShortDuration writes d as a person would: "24h", "90s", "1h30m" rather
// than Go's "24h0m0s".
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseSize parses a size: a number of bytes with an optional unit (B, KB,
// MB, GB as powers of 1000; KiB, MiB, GiB as powers of 1024) and checks it
// lies in [lo, hi].
func ParseSize(input, value string, lo, hi int64) (int64, error) {
	s := strings.TrimSpace(value)
	i := len(s)
	for i > 0 && !(s[i-1] >= '0' && s[i-1] <= '9') {
		i--
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil || n < 0 {
		return 0, reject(input, value, "not a size (use e.g. 512KiB, 32MiB or 1GB)")
	}
	var mult int64
	switch strings.ToLower(strings.TrimSpace(s[i:])) {
	case "", "b":
		mult = 1
	case "kb":
		mult = 1000
	case "mb":
		mult = 1000 * 1000
	case "gb":
		mult = 1000 * 1000 * 1000
	case "kib":
		mult = 1 << 10
	case "mib":
		mult = 1 << 20
	case "gib":
		mult = 1 << 30
	default:
		return 0, reject(input, value, "unknown unit (use B, KB, MB, GB, KiB, MiB or GiB)")
	}
	if n > hi/mult || n*mult < lo || n*mult > hi {
		return 0, reject(input, value, fmt.Sprintf("must be between %d and %d bytes", lo, hi))
	}
	return n * mult, nil
}

// ValidateAddr checks a listen address: HOST:PORT, :PORT or PORT, with a
// port from 0 to 65535. Unless allowPublic, the host must be loopback or
// empty (which the caller binds to loopback).
func ValidateAddr(input, addr string, allowPublic bool) error {
	a := strings.TrimSpace(addr)
	if a == "" {
		return reject(input, addr, "must not be empty")
	}
	if !strings.Contains(a, ":") {
		a = ":" + a
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return reject(input, addr, "not HOST:PORT, :PORT or PORT")
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return reject(input, addr, "port must be a number from 0 to 65535")
	}
	if strings.IndexFunc(host, IsUnsafeRune) >= 0 || strings.HasPrefix(host, "-") {
		return reject(input, addr, "host contains a control character or starts with '-'")
	}
	if host != "" && !allowPublic && !IsLoopback(host) {
		return reject(input, addr, "must be a loopback address here")
	}
	return nil
}
