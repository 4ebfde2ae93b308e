package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

// authConfig turns credentials into git configuration for GIT_CONFIG_COUNT:
// an Authorization header scoped to the origin (scheme, host, port) of
// remoteURL, and no redirect followed while it is configured. The entries:
//
//   - http.<origin>/.extraHeader = "" resets headers configured for the same
//     origin elsewhere (actions/checkout leaves one in .git/config), so the
//     server never sees two Authorization headers;
//   - http.<origin>/.extraHeader = "Authorization: Basic …";
//   - credential.helper = "" resets the helper list: with our credentials in
//     play, the user's helpers are neither asked (a wrong token is a clean
//     authentication failure, not a fall-back to another identity) nor told
//     to store or erase anything;
//   - http.<origin>/.followRedirects = false and the same for the whole
//     remote URL: git matches http.<url>.* once, against the remote URL, and
//     after following a redirect of info/refs it sends POST git-upload-pack
//     to the new host with the same header — to another host, or from https
//     to http in clear text. The most specific URL wins in git's matching
//     and command-line configuration comes last among equals, so the
//     whole-URL entry overrides any followRedirects the user configured for
//     this remote;
//   - core.hooksPath = /dev/null: the header travels in GIT_CONFIG_VALUE_n,
//     which git passes on to every process it starts, hooks included, so
//     no hook runs in a process that holds it (no hook file can exist
//     under /dev/null). The steps that run the user's hooks — the checkout
//     of a clone, the merge of a pull — run as separate git processes
//     without the token (see Clone and Pull).
//   - core.fsmonitor = false: git fetch reads the index (looking for
//     submodules) and so runs the fsmonitor command, usually a hook
//     (.git/hooks/fsmonitor-watchman), with the header in its environment.
//   - core.alternateRefsCommand = alternateRefs: in a repository with
//     objects/info/alternates, fetch runs this shell command from the
//     repository's config to list the alternate's refs. Ours is git's own
//     default listing (an empty value would not restore the default: git
//     would try to run "" and negotiate without the alternate's objects).
//     core.alternateRefsPrefixes only narrows that listing, runs nothing,
//     and is ignored once a command is set.
//   - protocol.ext.allow = never: a url.<base>.insteadOf in the
//     repository's config can rewrite the https URL we scoped the header to
//     into ext::<command>, which git runs with the header in its environment
//     if protocol.ext.allow=always is configured too — mgit asks git for
//     a rewritten URL, so this happens only in a submodule (below).
//   - fetch.recurseSubmodules = false: git fetch recurses into submodules
//     with this configuration in their environment, and a submodule's own
//     config can name a transport that runs a command: ext::, a local URL
//     with remote.<name>.uploadpack, ssh with its ProxyCommand. Submodule
//     objects are fetched later by git submodule update, without a token.
//
// Why a preemptive header with redirects off, and not a credential helper
// bound to scheme+host+port (which git would ask again, with the new host,
// after a redirect): a helper is asked only after a 401 challenge. GitHub,
// GitLab and Gitea challenge, but Azure DevOps and servers behind SSO
// proxies answer an anonymous request with a redirect to a sign-in page or
// a 404, never a 401, and the helper would never be asked. The header
// works with both; the price is that a legitimate redirect (a renamed
// repository) fails, with an error naming the new URL (see movedTo).
//
// SSH and local URLs get nothing. The result also lists the strings to
// scrub from messages.
func authConfig(remoteURL string, c git.Credentials) (config [][2]string, secrets []string) {
	if c.IsZero() || !c.ForURL(remoteURL) {
		return nil, nil
	}
	u, err := url.Parse(remoteURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil
	}
	origin := "http." + u.Scheme + "://" + u.Host + "/"
	token := base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))
	return [][2]string{
			{origin + ".extraHeader", ""},
			{origin + ".extraHeader", "Authorization: Basic " + token},
			{"credential.helper", ""},
			{origin + ".followRedirects", "false"},
			{"http." + remoteURL + ".followRedirects", "false"},
			{"core.hooksPath", os.DevNull},
			{"core.fsmonitor", "false"},
			{"core.alternateRefsCommand", alternateRefs},
			{"protocol.ext.allow", "never"},
			{"fetch.recurseSubmodules", "false"},
		},
		[]string{c.Password, token}
}

// alternateRefs is git's default alternate-refs listing as a shell
// command: git runs it as `<value> "$@"` with the alternate's path as $1,
// so the function keeps that path out of for-each-ref's patterns.
const alternateRefs = `f() { git --git-dir="$1" for-each-ref --format="%(objectname)"; }; f`

// redirected matches git's message for an HTTP redirect it did not follow.
// Compiled on first use, not in package init: init runs before every command, and most never need it.
var redirected = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`returned error: 30[1278]\b`) })

// probeTimeout bounds the request movedTo makes after a failure.
const probeTimeout = 10 * time.Second

// movedError is the error for an authenticated operation that git stopped
// at a redirect (http.followRedirects=false, see authConfig); nil when
// stderr shows no redirect. It names where the remote moved when the origin
// says so again to one request (movedTo).
func movedError(ctx context.Context, op, dir, remoteURL string, c git.Credentials, env []string, out output, err error) error {
	if c.IsZero() || !redirected().MatchString(out.stderr) || ctx.Err() != nil {
		return nil
	}
	fix := "if the repository moved, update its URL"
	if to, ok := movedTo(ctx, remoteURL, c, env); ok {
		fix = "if the repository moved, update its URL to " + to
		if op != "clone" {
			fix += " (git remote set-url origin " + to + ")"
		}
	}
	return &git.Error{Op: op, Dir: dir, Err: err, Detail: fmt.Sprintf(
		"%s redirected elsewhere; mgit follows no redirect while it holds a credential, so the token cannot reach another host: %s",
		withoutUserinfo(remoteURL), fix)}
}

// withoutUserinfo is u for a message: any user name or password dropped,
// and "the remote" when u does not parse.
func withoutUserinfo(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "the remote"
	}
	p.User = nil
	return p.String()
}

// movedTo asks the remote's own origin, once and without following, where
// its info/refs redirects to, and returns that repository URL. The
// credential goes to the origin it was issued for and nowhere else (the
// client follows nothing). TLS trusts the system roots plus GIT_SSL_CAINFO
// from git's environment, as git did.
func movedTo(ctx context.Context, remoteURL string, c git.Credentials, env []string) (string, bool) {
	u, err := url.Parse(remoteURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !c.ForURL(remoteURL) {
		return "", false
	}
	probe := u.JoinPath("info", "refs")
	probe.RawQuery = "service=git-upload-pack"
	probe.User = nil
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, probe.String(), nil)
	if err != nil {
		return "", false
	}
	req.SetBasicAuth(c.Username, c.Password)
	req.Header.Set("Git-Protocol", "version=2")
	client := &http.Client{
		Transport:     &http.Transport{Proxy: http.ProxyFromEnvironment, TLSClientConfig: tlsFor(env)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		return "", false
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return "", false
	}
	loc.Path = strings.TrimSuffix(loc.Path, "/info/refs")
	loc.RawPath, loc.RawQuery, loc.Fragment, loc.User = "", "", "", nil
	if loc.Scheme != "http" && loc.Scheme != "https" {
		return "", false
	}
	return loc.String(), true
}

// tlsFor is the TLS configuration git would have used: the system roots
// plus the CA bundle named by GIT_SSL_CAINFO, when set.
func tlsFor(env []string) *tls.Config {
	var file string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GIT_SSL_CAINFO="); ok {
			file = v
		}
	}
	if file == "" {
		return nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if pem, err := os.ReadFile(file); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
