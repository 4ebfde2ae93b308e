package conformance

import (
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mgit-dev/mgit/engine/git"
	"github.com/mgit-dev/mgit/engine/git/gittest"
)

// RedirectExpect says how the backend under test treats a redirect while it
// holds credentials.
type RedirectExpect struct {
	// Refuses: the operation fails and its error names where the remote
	// moved, so the user can update the URL. Otherwise the backend may
	// follow the redirect, but without the credentials.
	Refuses bool
}

// RedirectToken is the credential offered to the origin. Distinct from the
// suite's token so a hit cannot come from anywhere else.
const RedirectToken = "redirect-token-5d1e82"

// RunRedirects proves that a credential is never sent to a host the remote
// redirects to. The origin answers every request with a 302 to a second
// server — another port, so another origin — that SERVES the repository
// (info/refs and git-upload-pack, anonymously) and records every request.
// A backend that follows the redirect with the credential would therefore
// reach git-upload-pack there with it, as git does with an extraHeader
// scoped to the original URL. Three shapes: http→http, https→http (the
// token would cross in clear text) and https→https; each for clone, mirror
// clone, fetch and pull.
func RunRedirects(t *testing.T, newBackend func(t *testing.T) git.Backend, want RedirectExpect) {
	shapes := []struct {
		name                 string
		originTLS, targetTLS bool
	}{
		{"http to http", false, false},
		{"https to http", true, false},
		{"https to https", true, true},
	}
	ops := []struct {
		name string
		run  func(t *testing.T, b git.Backend, rw *RedirectWorld) error
	}{
		{"clone", func(t *testing.T, b git.Backend, rw *RedirectWorld) error {
			return b.Clone(ctx(t), rw.OriginURL, filepath.Join(t.TempDir(), "app"), git.CloneOptions{Auth: rw.auth})
		}},
		{"mirror", func(t *testing.T, b git.Backend, rw *RedirectWorld) error {
			return b.Clone(ctx(t), rw.OriginURL, filepath.Join(t.TempDir(), "app.git"), git.CloneOptions{Auth: rw.auth, Mirror: true})
		}},
		{"fetch", func(t *testing.T, b git.Backend, rw *RedirectWorld) error {
			return b.Fetch(ctx(t), rw.work(t), git.FetchOptions{Auth: rw.auth})
		}},
		{"pull", func(t *testing.T, b git.Backend, rw *RedirectWorld) error {
			_, err := b.Pull(ctx(t), rw.work(t), git.PullOptions{Auth: rw.auth})
			return err
		}},
	}
	for _, sh := range shapes {
		for _, op := range ops {
			t.Run(sh.name+"/"+op.name, func(t *testing.T) {
				rw := NewRedirectWorld(t, sh.originTLS, sh.targetTLS)
				err := op.run(t, newBackend(t), rw)
				w := want
				// Every backend refuses to drop TLS: the refusal must be
				// final (no retry) and say what to do.
				w.Refuses = w.Refuses || (sh.originTLS && !sh.targetTLS)
				rw.check(t, err, w)
			})
		}
	}
}

// RedirectWorld is one origin redirecting to one recording target that
// serves the repository team/app anonymously.
type RedirectWorld struct {
	srv       *gittest.Server // the repository, behind the target
	seed      string
	OriginURL string // clone URL on the redirecting origin
	TargetURL string // base URL of the recording target
	// TrustEnv ("K=V") makes a child git (GIT_SSL_CAINFO) and Go
	// (SSL_CERT_FILE) trust the servers' certificate; empty without TLS.
	TrustEnv []string
	auth     git.Credentials

	mu          sync.Mutex
	originAuth  int // origin requests that carried the credential
	targetHits  int
	targetLeaks []string // what carried the credential to the target
}

// NewRedirectWorld isolates git's configuration (gittest.Isolate) and
// starts the servers; with TLS on either side, git and Go are made to trust
// the test certificate.
func NewRedirectWorld(t *testing.T, originTLS, targetTLS bool) *RedirectWorld {
	t.Helper()
	gittest.Isolate(t)
	rw := StartRedirectWorld(t, originTLS, targetTLS)
	for _, kv := range rw.TrustEnv {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return rw
}

// StartRedirectWorld starts the servers like NewRedirectWorld but changes
// nothing in this process, so a test that uses it may run in parallel: the
// caller passes TrustEnv to the children it starts, and isolates git's
// configuration for the whole test binary (gittest.IsolateProcess).
func StartRedirectWorld(t *testing.T, originTLS, targetTLS bool) *RedirectWorld {
	t.Helper()
	rw := &RedirectWorld{
		srv:  gittest.NewServer(t, gittest.ServerOptions{}),
		auth: git.Credentials{Username: "x-access-token", Password: RedirectToken},
	}
	rw.seed = rw.srv.CreateRepo(t, repo)
	backendURL, err := url.Parse(rw.srv.URL(repo))
	if err != nil {
		t.Fatal(err)
	}
	backendURL.Path = ""
	proxy := httputil.NewSingleHostReverseProxy(backendURL)
	target := start(t, targetTLS, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw.mu.Lock()
		rw.targetHits++
		if where := carriesCredential(r); where != "" {
			rw.targetLeaks = append(rw.targetLeaks, r.Method+" "+r.URL.Path+" ("+where+")")
		}
		rw.mu.Unlock()
		r.Header.Del("Authorization") // the repository itself is anonymous
		proxy.ServeHTTP(w, r)
	}))
	rw.TargetURL = target.URL
	origin := start(t, originTLS, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw.mu.Lock()
		if carriesCredential(r) != "" {
			rw.originAuth++
		}
		rw.mu.Unlock()
		http.Redirect(w, r, target.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	rw.OriginURL = origin.URL + "/" + repo + ".git"
	if originTLS || targetTLS {
		rw.TrustEnv = trust(t, origin)
	}
	return rw
}

// start runs h on 127.0.0.1, with TLS when tls is set.
func start(t *testing.T, tls bool, h http.Handler) *httptest.Server {
	t.Helper()
	var s *httptest.Server
	if tls {
		s = httptest.NewTLSServer(h)
	} else {
		s = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

// trust returns the environment that makes git (GIT_SSL_CAINFO) and Go's
// TLS (SSL_CERT_FILE, read once per process: every TLS server of httptest
// shares one certificate) accept the test servers' certificate.
func trust(t *testing.T, s *httptest.Server) []string {
	t.Helper()
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	if err := os.WriteFile(pemFile, block, 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"GIT_SSL_CAINFO=" + pemFile, "SSL_CERT_FILE=" + pemFile}
}

// carriesCredential says where r holds RedirectToken: a header (any, in
// clear or base64 as basic auth puts it), the URL's userinfo, or the
// request line. "" when nowhere.
func carriesCredential(r *http.Request) string {
	if r.URL.User != nil {
		return "userinfo"
	}
	if strings.Contains(r.RequestURI, RedirectToken) {
		return "request line"
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, RedirectToken) {
				return "header " + k
			}
			// Basic auth with any user name.
			for _, f := range strings.Fields(v) {
				if raw, err := base64.StdEncoding.DecodeString(f); err == nil && strings.Contains(string(raw), RedirectToken) {
					return "header " + k
				}
			}
		}
	}
	return ""
}

// work is a clone tracking origin/main whose origin is the redirecting
// URL, one upstream commit behind (so fetch and pull have work to do).
func (rw *RedirectWorld) work(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "app")
	rw.srv.CloneCreated(t, repo, dir)
	gittest.Git(t, dir, "remote", "set-url", "origin", rw.OriginURL)
	gittest.Commit(t, rw.seed, "up.txt", "up\n", "upstream")
	gittest.Push(t, rw.seed)
	return dir
}

// CheckNoLeak fails the test unless the origin received the credential
// (else the test proves nothing) and the target never did.
func (rw *RedirectWorld) CheckNoLeak(t *testing.T) {
	t.Helper()
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.originAuth == 0 {
		t.Fatal("the origin never received the credential: the test proves nothing")
	}
	if len(rw.targetLeaks) > 0 {
		t.Errorf("the credential reached the redirect target %s in %d of %d requests: %v",
			rw.TargetURL, len(rw.targetLeaks), rw.targetHits, rw.targetLeaks)
	}
}

func (rw *RedirectWorld) check(t *testing.T, err error, want RedirectExpect) {
	t.Helper()
	t.Logf("error: %v", err)
	rw.CheckNoLeak(t)
	if err != nil && strings.Contains(err.Error(), RedirectToken) {
		t.Errorf("error message holds the token: %v", err)
	}
	if err != nil && git.Transient(err) {
		t.Errorf("a refused redirect is classified as a transient network error (it would be retried): %v", err)
	}
	if !want.Refuses {
		return
	}
	if err == nil {
		t.Fatalf("the operation followed a redirect to %s with credentials and succeeded; want a refusal", rw.TargetURL)
	}
	if msg := err.Error(); !strings.Contains(msg, rw.TargetURL) || !strings.Contains(msg, "update") {
		t.Errorf("error %q does not say the remote moved to %s and to update the URL", msg, rw.TargetURL)
	}
}
