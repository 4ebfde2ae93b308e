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

// redirectToken is the credential offered to the origin. Distinct from the
// suite's token so a hit cannot come from anywhere else.
const redirectToken = "redirect-token-5d1e82"

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
		run  func(t *testing.T, b git.Backend, rw *redirectWorld) error
	}{
		{"clone", func(t *testing.T, b git.Backend, rw *redirectWorld) error {
			return b.Clone(ctx(t), rw.originURL, filepath.Join(t.TempDir(), "app"), git.CloneOptions{Auth: rw.auth})
		}},
		{"mirror", func(t *testing.T, b git.Backend, rw *redirectWorld) error {
			return b.Clone(ctx(t), rw.originURL, filepath.Join(t.TempDir(), "app.git"), git.CloneOptions{Auth: rw.auth, Mirror: true})
		}},
		{"fetch", func(t *testing.T, b git.Backend, rw *redirectWorld) error {
			return b.Fetch(ctx(t), rw.work(t), git.FetchOptions{Auth: rw.auth})
		}},
		{"pull", func(t *testing.T, b git.Backend, rw *redirectWorld) error {
			_, err := b.Pull(ctx(t), rw.work(t), git.PullOptions{Auth: rw.auth})
			return err
		}},
	}
	for _, sh := range shapes {
		for _, op := range ops {
			t.Run(sh.name+"/"+op.name, func(t *testing.T) {
				rw := newRedirectWorld(t, sh.originTLS, sh.targetTLS)
				err := op.run(t, newBackend(t), rw)
				rw.check(t, err, want)
			})
		}
	}
}

// redirectWorld is one origin redirecting to one recording target.
type redirectWorld struct {
	srv       *gittest.Server // the repository, behind the target
	seed      string
	originURL string // clone URL on the redirecting origin
	targetURL string // base URL of the recording target
	auth      git.Credentials

	mu          sync.Mutex
	originAuth  int // origin requests that carried the credential
	targetHits  int
	targetLeaks []string // what carried the credential to the target
}

func newRedirectWorld(t *testing.T, originTLS, targetTLS bool) *redirectWorld {
	t.Helper()
	gittest.Isolate(t)
	rw := &redirectWorld{
		srv:  gittest.NewServer(t, gittest.ServerOptions{}),
		auth: git.Credentials{Username: "x-access-token", Password: redirectToken},
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
	rw.targetURL = target.URL
	origin := start(t, originTLS, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw.mu.Lock()
		if carriesCredential(r) != "" {
			rw.originAuth++
		}
		rw.mu.Unlock()
		http.Redirect(w, r, target.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	rw.originURL = origin.URL + "/" + repo + ".git"
	if originTLS || targetTLS {
		trust(t, origin)
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

// trust makes git (GIT_SSL_CAINFO) and Go's TLS (SSL_CERT_FILE, read once
// per process: every TLS server of httptest shares one certificate) accept
// the test servers' certificate.
func trust(t *testing.T, s *httptest.Server) {
	t.Helper()
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	if err := os.WriteFile(pemFile, block, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_SSL_CAINFO", pemFile)
	t.Setenv("SSL_CERT_FILE", pemFile)
}

// carriesCredential says where r holds redirectToken: a header (any, in
// clear or base64 as basic auth puts it), the URL's userinfo, or the
// request line. "" when nowhere.
func carriesCredential(r *http.Request) string {
	if r.URL.User != nil {
		return "userinfo"
	}
	if strings.Contains(r.RequestURI, redirectToken) {
		return "request line"
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			if strings.Contains(v, redirectToken) || strings.Contains(v, base64.StdEncoding.EncodeToString([]byte("x-access-token:"+redirectToken))) {
				return "header " + k
			}
		}
	}
	return ""
}

// work is a clone tracking origin/main whose origin is the redirecting
// URL, one upstream commit behind (so fetch and pull have work to do).
func (rw *redirectWorld) work(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "app")
	rw.srv.Clone(t, repo, dir)
	gittest.Git(t, dir, "remote", "set-url", "origin", rw.originURL)
	gittest.Commit(t, rw.seed, "up.txt", "up\n", "upstream")
	gittest.Push(t, rw.seed)
	return dir
}

func (rw *redirectWorld) check(t *testing.T, err error, want RedirectExpect) {
	t.Helper()
	t.Logf("error: %v", err)
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if rw.originAuth == 0 {
		t.Fatalf("the origin never received the credential (err %v): the test proves nothing", err)
	}
	if len(rw.targetLeaks) > 0 {
		t.Errorf("the credential reached the redirect target %s in %d of %d requests: %v",
			rw.targetURL, len(rw.targetLeaks), rw.targetHits, rw.targetLeaks)
	}
	if err != nil && strings.Contains(err.Error(), redirectToken) {
		t.Errorf("error message holds the token: %v", err)
	}
	if !want.Refuses {
		return
	}
	if err == nil {
		t.Fatalf("the operation followed a redirect to %s with credentials and succeeded; want a refusal", rw.targetURL)
	}
	if msg := err.Error(); !strings.Contains(msg, rw.targetURL) || !strings.Contains(msg, "update") {
		t.Errorf("error %q does not say the remote moved to %s and to update the URL", msg, rw.targetURL)
	}
}
