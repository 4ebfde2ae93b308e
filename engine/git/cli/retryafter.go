package cli

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// git 2.39 reports an HTTP 429 as "The requested URL returned error: 429"
// and keeps the answer's headers to itself, so the Retry-After a rate
// limiter sent is lost. After such a failure, and only then, the server is
// asked again in-process: one GET of info/refs, with the same credentials,
// to the same URL git used (so to the same scheme, host and port),
// following no redirect, reading nothing but the status and Retry-After.

// Compiled on first use, not in package init: init runs before every command, and most never need it.
var rateLimited = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b(429|503)\b`) })

// withRetryAfter sets the RetryAfter of err, a failed network call to
// remoteURL, when the server answered 429 or 503 and says how long to wait.
func (b *Backend) withRetryAfter(ctx context.Context, err error, remoteURL string, auth git.Credentials) error {
	var ge *git.Error
	if !errors.As(err, &ge) || !errors.Is(ge.Kind, git.ErrNetwork) || ge.RetryAfter > 0 ||
		!rateLimited().MatchString(ge.Detail) || ctx.Err() != nil {
		return err
	}
	if !strings.HasPrefix(remoteURL, "https://") && !strings.HasPrefix(remoteURL, "http://") {
		return err
	}
	if !auth.ForURL(remoteURL) {
		auth = git.Credentials{} // ask anonymously: the token is for another host
	}
	if d, ok := probeRetryAfter(ctx, remoteURL, auth); ok {
		ge.RetryAfter = d
	}
	return err
}

func probeRetryAfter(ctx context.Context, remoteURL string, auth git.Credentials) (time.Duration, bool) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(remoteURL, "/")+"/info/refs?service=git-upload-pack", nil)
	if err != nil {
		return 0, false
	}
	req.URL.User = nil // credentials only as below, never from the URL
	if !auth.IsZero() {
		req.SetBasicAuth(auth.Username, auth.Password)
	}
	req.Header.Set("User-Agent", "git/2 (mgit)")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		return 0, false
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode != http.StatusTooManyRequests && res.StatusCode != http.StatusServiceUnavailable {
		return 0, false
	}
	return git.ParseRetryAfter(res.Header.Get("Retry-After"), time.Now())
}
