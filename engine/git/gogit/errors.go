package gogit

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/mgit-dev/mgit/engine/git"
	redactpkg "github.com/mgit-dev/mgit/engine/redact"
)

// cliHint ends every "cannot do this" message: the cli backend can.
const cliHint = "use --git-backend cli"

// opError builds the *git.Error for a failed operation. The detail is the
// go-git message with credentials removed; a cancelled or expired ctx is
// always part of the chain so callers can test errors.Is(err, ctx.Err()).
func opError(ctx context.Context, op, dir string, err error, secret string) error {
	if err == nil {
		return nil
	}
	var ge *git.Error
	if errors.As(err, &ge) {
		return err
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = errors.Join(cerr, err)
	}
	if detail, ok := refusedRedirect(err, op); ok {
		return &git.Error{Op: op, Dir: dir, Detail: redact(detail, secret), Err: err}
	}
	kind := classify(err)
	if kind == git.ErrUnsupported {
		return unsupportedError(op, dir, err)
	}
	return &git.Error{
		Op:         op,
		Dir:        dir,
		Kind:       kind,
		Detail:     redact(err.Error(), secret),
		Err:        err,
		RetryAfter: retryAfter(err),
	}
}

// retryAfter is the Retry-After of a 429 or 503 answer inside err: go-git
// keeps the response in its HTTP error.
func retryAfter(err error) time.Duration {
	var he *githttp.Err
	if !errors.As(err, &he) {
		var ue *plumbing.UnexpectedError
		if !errors.As(err, &ue) || !errors.As(ue.Err, &he) {
			return 0
		}
	}
	if he.Response == nil || (he.Response.StatusCode != 429 && he.Response.StatusCode != 503) {
		return 0
	}
	d, _ := git.ParseRetryAfter(he.Response.Header.Get("Retry-After"), time.Now())
	return d
}

// kindError is a *git.Error whose kind and message are decided here rather
// than derived from a go-git error.
func kindError(op, dir string, kind error, detail string) error {
	return &git.Error{Op: op, Dir: dir, Kind: kind, Detail: detail}
}

// classify maps a go-git error onto one of the sentinel errors of package
// git, or nil when it is none of them.
func classify(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		// Cancellation is reported through ctx.Err() in the chain, not as
		// a failure class: a cancelled fetch is neither auth nor network.
		return nil
	case errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod):
		return git.ErrAuth
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return git.ErrRepoNotFound
	case errors.Is(err, gogit.ErrNonFastForwardUpdate):
		return git.ErrNotFastForward
	case errors.Is(err, gogit.ErrRepositoryNotExists):
		return git.ErrNotRepository
	case unsupportedRepo(err):
		return git.ErrUnsupported
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return git.ErrDiskFull
	}
	// go-git wraps unexpected HTTP answers and some transport failures in
	// types without Unwrap; look inside them by hand.
	var ue *plumbing.UnexpectedError
	if errors.As(err, &ue) {
		if k := classify(ue.Err); k != nil {
			return k
		}
	}
	var pe *plumbing.PermanentError
	if errors.As(err, &pe) {
		if k := classify(pe.Err); k != nil {
			return k
		}
	}
	var he *githttp.Err
	if errors.As(err, &he) && he.Response != nil {
		code := he.Response.StatusCode
		switch {
		case code == 407:
			return git.ErrAuth
		case code == 429, code >= 500:
			return git.ErrNetwork
		}
		return nil
	}
	if networkError(err) {
		return git.ErrNetwork
	}
	return nil
}

// redirectRefusal matches go-git's refusal of a redirect (CheckRedirect),
// which reaches us inside a *url.Error and would otherwise look like a
// network failure worth retrying; the target, when named, is group 2.
// Compiled on first use, not in package init: init runs before every command, and most never need it.
var redirectRefusal = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`http redirect: (changes scheme from "https" to "http": |redirects disabled to |redirect on non-initial request to )?(\S*)`)
})

// refusedRedirect words a redirect go-git refused (every redirect, see
// noRedirects; https to http by go-git itself): no retry can change the
// answer (the remote moved), so it is no network error; the detail names
// where to and what to do.
func refusedRedirect(err error, op string) (string, bool) {
	m := redirectRefusal().FindStringSubmatch(err.Error())
	if m == nil {
		return "", false
	}
	to := m[2]
	if strings.HasPrefix(to, "http://") || strings.HasPrefix(to, "https://") {
		to, _, _ = strings.Cut(to, "?")
		to = strings.TrimSuffix(to, "/info/refs")
	} else {
		to = ""
	}
	where, fix := "elsewhere", "if the repository moved, update its URL"
	if to != "" {
		where = "to " + to
		fix += " to " + to
		if op != "clone" {
			fix += " (git remote set-url origin " + to + ")"
		}
	}
	why := "the remote redirected " + where + "; mgit follows no redirect, so a credential cannot reach another host or repository"
	if strings.Contains(m[1], "scheme") {
		why = "the https remote redirected " + where + ", to plain http; mgit follows no redirect, least of all one that drops TLS"
		fix = "check the server; if the repository really moved there, " + strings.TrimPrefix(fix, "if the repository moved, ")
	}
	return why + ": " + fix, true
}

// unsupportedRepo reports a repository that go-git cannot read at all.
func unsupportedRepo(err error) bool {
	return errors.Is(err, gogit.ErrUnknownExtension) ||
		errors.Is(err, gogit.ErrUnsupportedExtensionRepositoryFormatVersion) ||
		errors.Is(err, gogit.ErrUnsupportedRepositoryFormatVersion) ||
		errors.Is(err, index.ErrUnknownExtension) ||
		errors.Is(err, index.ErrUnsupportedVersion)
}

// networkMessages are substrings of errors that go-git has already turned
// into plain strings (sideband and pktline errors lose their types).
var networkMessages = []string{
	"connection reset", "connection refused", "broken pipe", "no such host",
	"i/o timeout", "tls handshake timeout", "unexpected eof", "network is unreachable",
	"server closed",
}

func networkError(err error) bool {
	// Not net.Error: *fs.PathError satisfies it too, and a local file
	// error is no network failure.
	var (
		oe *net.OpError
		de *net.DNSError
		ue *url.Error
	)
	if errors.As(err, &oe) || errors.As(err, &de) || errors.As(err, &ue) {
		return true
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) {
		return true
	}
	msg := strings.ToLower(err.Error())
	if msg == "eof" || strings.HasSuffix(msg, ": eof") {
		return true
	}
	for _, m := range networkMessages {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}

// userinfo matches the credentials part of a URL ("https://user:pw@host").
var userinfo = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]*@`) })

// redact removes URL user information and the known secret from a
// message, then masks every credential shape of the one list (redact.Text).
func redact(msg, secret string) string {
	msg = userinfo().ReplaceAllString(msg, "${1}")
	if secret != "" {
		msg = strings.ReplaceAll(msg, secret, redactpkg.Mask)
	}
	return strings.TrimSpace(redactpkg.Text(msg))
}

// unsupportedError explains a repository go-git cannot open.
func unsupportedError(op, dir string, err error) error {
	return &git.Error{
		Op:     op,
		Dir:    dir,
		Kind:   git.ErrUnsupported,
		Detail: "the go-git backend cannot read this repository (" + redact(err.Error(), "") + "); " + cliHint,
		Err:    err,
	}
}
