package gittest

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// httpBackend is git's smart-HTTP CGI program on Debian.
const httpBackend = "/usr/lib/git-core/git-http-backend"

// ServerOptions configures NewServer.
type ServerOptions struct {
	// Token, when set, makes the server require basic auth: any username,
	// the password must equal Token. Requests without it get 401 with
	// WWW-Authenticate: Basic, before the repository is even looked up (so
	// an unknown repository is 401 without credentials and 404 with them).
	Token string
}

// FailMode is how FailNext fails a request.
type FailMode int

const (
	// FailDrop hijacks the connection and closes it without an answer.
	FailDrop FailMode = iota
	// Fail500 answers 500 Internal Server Error.
	Fail500
	// Fail429 answers 429 Too Many Requests with Retry-After: 1.
	Fail429
)

// Server is a real smart-HTTP git server on 127.0.0.1 serving bare
// repositories under Root(). It is closed when the test ends.
type Server struct {
	srv   *httptest.Server
	root  string
	token string

	mu          sync.Mutex
	requests    int
	authFails   int
	inflight    int
	maxInflight int
	credsInURL  bool
	failN       int
	failMode    FailMode
	stalls      []*stall
	outstanding []*stall // taken by a request and not yet released
	limits               // Delay, Throttle, Gather (limits.go)
}

// stall is one pending Stall or StallPack.
type stall struct {
	packOnly bool // only a git-upload-pack POST takes it
	rate     int  // > 0: trickle the answer at this many bytes a second
	entered  chan struct{}
	release  chan struct{}
	once     sync.Once
}

func (s *stall) free() { s.once.Do(func() { close(s.release) }) }

// NewServer starts a server. Call Isolate first so that the fixture commits
// it makes use the isolated configuration.
func NewServer(t testing.TB, opts ServerOptions) *Server {
	t.Helper()
	if _, err := os.Stat(httpBackend); err != nil {
		t.Skipf("git http-backend not available: %v", err)
	}
	s := &Server{root: t.TempDir(), token: opts.Token}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	// httptest.Server.Close waits for every request in flight, so stalled
	// requests are released first or the cleanup would hang.
	t.Cleanup(func() {
		s.releaseAll()
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
	return s
}

// Root is the directory holding the bare repositories (<name>.git).
func (s *Server) Root() string { return s.root }

// BareDir is the path of the bare repository behind URL(name).
func (s *Server) BareDir(name string) string { return filepath.Join(s.root, name+".git") }

// URL is the clone URL of repository name: http://127.0.0.1:port/<name>.git.
func (s *Server) URL(name string) string { return s.srv.URL + "/" + name + ".git" }

// Token is the password the server requires ("" when auth is off).
func (s *Server) Token() string { return s.token }

// CreateRepo creates the bare repository <root>/<name>.git with branch main
// holding one commit (README.md), pushed from a seed work tree whose origin is
// the bare repository's path. It returns the seed work tree: commit there and
// call Push to add upstream commits.
//
// The pair is built by git once per test binary and name (with the
// configuration Isolate installs) and copied on every later call, so every
// call of a binary yields the same initial commit.
func (s *Server) CreateRepo(t testing.TB, name string) string {
	t.Helper()
	tpl, err := templateFor(name)
	if err != nil {
		t.Fatalf("create repo %s: %v", name, err)
	}
	seed := filepath.Join(t.TempDir(), name)
	if err := tpl.restore(s.BareDir(name), seed); err != nil {
		t.Fatalf("create repo %s: %v", name, err)
	}
	return seed
}

// Clone clones repository name with the git CLI, sending the server's token
// (if any) through the environment, and returns nothing: dest is the work tree.
func (s *Server) Clone(t testing.TB, name, dest string) {
	t.Helper()
	if s.token == "" {
		Clone(t, s.URL(name), dest)
		return
	}
	CloneAuth(t, s.URL(name), dest, "git", s.token)
}

// Requests is the number of HTTP requests received so far (including
// rejected and failed ones).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// MaxConcurrent is the largest number of requests that were in progress at
// the same time: for tests of per-host concurrency limits.
func (s *Server) MaxConcurrent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInflight
}

func (s *Server) done() {
	s.mu.Lock()
	s.inflight--
	s.mu.Unlock()
}

// AuthFailures is the number of requests answered 401.
func (s *Server) AuthFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authFails
}

// CredentialsInURL reports whether any request carried credentials in its
// URL: userinfo, or the token anywhere in the request line (path or query).
// HTTP clients turn URL userinfo into an Authorization header, so this
// catches a token smuggled into the path or query string.
func (s *Server) CredentialsInURL() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.credsInURL
}

// FailNext makes the next n requests fail with mode.
func (s *Server) FailNext(n int, mode FailMode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failMode = n, mode
}

// Stall holds the next request open without sending anything. entered is
// closed once the request has arrived; release lets it proceed normally. A
// stalled request also ends when the client goes away. Release is idempotent
// and is called when the test ends.
func (s *Server) Stall() (entered <-chan struct{}, release func()) {
	return s.addStall(false)
}

// StallPack holds the next git-upload-pack POST (the pack transfer of a
// clone or fetch) after sending its headers and about half of its body:
// the client is mid-transfer when entered is closed. release sends the rest.
func (s *Server) StallPack() (entered <-chan struct{}, release func()) {
	return s.addStall(true)
}

// TricklePack serves the next git-upload-pack POST at rate bytes a second
// (in pieces ten times a second), as a congested or throttled server does.
// entered is closed when the first piece is sent; release sends the rest at
// once.
func (s *Server) TricklePack(rate int) (entered <-chan struct{}, release func()) {
	st := &stall{packOnly: true, rate: max(rate, 10), entered: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.stalls = append(s.stalls, st)
	s.mu.Unlock()
	return st.entered, st.free
}

func (s *Server) addStall(packOnly bool) (<-chan struct{}, func()) {
	st := &stall{packOnly: packOnly, entered: make(chan struct{}), release: make(chan struct{})}
	s.mu.Lock()
	s.stalls = append(s.stalls, st)
	s.mu.Unlock()
	return st.entered, st.free
}

func (s *Server) releaseAll() {
	s.mu.Lock()
	all := append(append([]*stall(nil), s.stalls...), s.outstanding...)
	s.stalls, s.outstanding = nil, nil
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
	s.mu.Unlock()
	for _, st := range all {
		st.free()
	}
}

// admit records the request and decides whether it fails or stalls.
func (s *Server) admit(r *http.Request, isPack bool) (fail bool, mode FailMode, st *stall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	if r.URL.User != nil || (s.token != "" && strings.Contains(r.RequestURI, s.token)) {
		s.credsInURL = true
	}
	if s.failN > 0 {
		s.failN--
		return true, s.failMode, nil
	}
	for i, c := range s.stalls {
		if !c.packOnly || isPack {
			s.stalls = append(s.stalls[:i], s.stalls[i+1:]...)
			s.outstanding = append(s.outstanding, c)
			return false, 0, c
		}
	}
	return false, 0, nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	isPack, err := isPackRequest(r)
	if err != nil {
		http.Error(w, "read request: "+err.Error(), http.StatusBadRequest)
		return
	}
	fail, mode, st := s.admit(r, isPack)
	defer s.done()
	if fail {
		failRequest(w, mode)
		return
	}
	if !s.limit(w, r) {
		return
	}
	user := ""
	if s.token != "" {
		u, p, ok := r.BasicAuth()
		if !ok || p != s.token {
			s.mu.Lock()
			s.authFails++
			s.mu.Unlock()
			w.Header().Set("WWW-Authenticate", `Basic realm="mgit-test"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		user = u
		if user == "" {
			user = "git"
		}
	}
	h := httpBackendFor(s.root, user)
	switch {
	case st == nil:
		h.ServeHTTP(w, r)
	case st.rate > 0:
		serveTrickle(w, r, h, st)
	case st.packOnly:
		servePartial(w, r, h, st)
	default:
		serveStalled(w, r, h, st)
	}
}

// isPackRequest reports whether r asks git-upload-pack for a pack (protocol
// v0 "want" lines or a protocol v2 fetch command, not a v2 ls-refs). It reads
// the body and puts it back.
func isPackRequest(r *http.Request) (bool, error) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/git-upload-pack") {
		return false, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return false, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	plain := body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return false, err
		}
		if plain, err = io.ReadAll(zr); err != nil {
			return false, err
		}
	}
	if bytes.Contains(plain, []byte("command=ls-refs")) {
		return false, nil
	}
	return bytes.Contains(plain, []byte("command=fetch")) || bytes.Contains(plain, []byte("want ")), nil
}

func failRequest(w http.ResponseWriter, mode FailMode) {
	switch mode {
	case FailDrop:
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic("gittest: response writer cannot hijack")
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			conn.Close()
		}
	case Fail429:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "too many requests", http.StatusTooManyRequests)
	default:
		http.Error(w, "injected failure", http.StatusInternalServerError)
	}
}

// httpBackendFor is git http-backend serving the repositories under root
// for one request; REMOTE_USER is set when the client authenticated (git
// requires it for receive-pack by default).
func httpBackendFor(root, user string) *cgi.Handler {
	env := []string{
		"GIT_PROJECT_ROOT=" + root,
		"GIT_HTTP_EXPORT_ALL=1",
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=/dev/null",
	}
	if user != "" {
		env = append(env, "REMOTE_USER="+user)
	}
	// http-backend's complaints (e.g. an unknown repository) reach the client
	// as the HTTP status; keep them out of the test output.
	return &cgi.Handler{Path: httpBackend, Root: "/", Env: env, Stderr: io.Discard}
}

// serveStalled waits before serving. The body is read first so that the
// server notices (through its background read) when the client goes away.
func serveStalled(w http.ResponseWriter, r *http.Request, h http.Handler, st *stall) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	close(st.entered)
	select {
	case <-st.release:
	case <-r.Context().Done():
		return
	}
	h.ServeHTTP(w, r)
}

// serveTrickle produces the whole answer and sends it st.rate bytes a
// second until it is sent, released or the client goes away.
func serveTrickle(w http.ResponseWriter, r *http.Request, h http.Handler, st *stall) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	body := rec.Body.Bytes()
	piece := max(st.rate/10, 1)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for first := true; len(body) > 0; first = false {
		n := min(piece, len(body))
		_, _ = w.Write(body[:n])
		body = body[n:]
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		if first {
			close(st.entered)
		}
		select {
		case <-tick.C:
		case <-st.release:
			_, _ = w.Write(body)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// servePartial produces the whole answer, sends its first half, then waits.
func servePartial(w http.ResponseWriter, r *http.Request, h http.Handler, st *stall) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length") // the client must not know how much is missing
	w.WriteHeader(rec.Code)
	body := rec.Body.Bytes()
	half := len(body) / 2
	_, _ = w.Write(body[:half])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	close(st.entered)
	select {
	case <-st.release:
		_, _ = w.Write(body[half:])
	case <-r.Context().Done():
	}
}
