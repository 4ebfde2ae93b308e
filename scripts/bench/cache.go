//go:build linux

package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// answerCache keeps git http-backend's answers to fetch-side requests
// (info/refs for upload-pack, and upload-pack itself), so that the bench's
// server costs next to no CPU. Without it a clone of the bench's small
// fixture cost about as much CPU in http-backend, upload-pack and
// pack-objects as in the client's own git, on the same two cores: the
// latency rows measured the server, and both sides' times were the same at
// every latency. Real hosts run on their own machines and cache packs too.
//
// The key is the request (what follows the repository in its path, the
// query, the protocol headers and the body) and the repository's refs
// (HEAD, packed-refs and every loose ref, by content), not the repository's
// path: git is content-addressed, so repositories with the same refs hold
// the same reachable objects and get the same answer (a "have" the server
// acknowledges is one the client has), and the 200 copies of one fixture
// cost one miss, not 200, whichever side of the comparison comes first.
// A push changes the refs and so the key; a push that lands while an
// answer is being made is not cached, because the refs are read again
// after the answer and must not have changed.
type answerCache struct {
	root string // GIT_PROJECT_ROOT

	mu      sync.Mutex
	entries map[string]*answer
	size    int64 // bytes of cached bodies

	hits, misses atomic.Int64
}

// answer is one cached response; done is closed once it is known whether
// it could be cached (ok), so concurrent requests for the same key wait
// for the first instead of all running the backend.
type answer struct {
	done   chan struct{}
	ok     bool
	status int
	header http.Header
	body   []byte
}

const (
	maxCachedRequest = 1 << 20   // request bodies keyed; larger ones are not cached
	maxCachedBytes   = 256 << 20 // cached answers in all
)

func newAnswerCache(root string) *answerCache {
	return &answerCache{root: root, entries: map[string]*answer{}}
}

// serve answers r from the cache, or from next and remembers the answer.
func (c *answerCache) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	repo, rest, ok := c.cacheable(r)
	if !ok {
		next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxCachedRequest+1))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	refs, err := refsState(repo)
	if err != nil || len(body) > maxCachedRequest {
		next.ServeHTTP(w, r)
		return
	}
	key := requestKey(r, rest, body, refs)
	c.mu.Lock()
	a, found := c.entries[key]
	if !found {
		a = &answer{done: make(chan struct{})}
		c.entries[key] = a
	}
	c.mu.Unlock()
	if found {
		select {
		case <-a.done:
		case <-r.Context().Done():
			return
		}
		if a.ok {
			c.hits.Add(1)
			a.write(w)
			return
		}
		next.ServeHTTP(w, r)
		return
	}
	c.misses.Add(1)
	c.fill(key, a, repo, refs, w, r, next)
}

// fill runs next for the first request of a key and keeps its answer
// when it succeeded and the refs did not move meanwhile.
func (c *answerCache) fill(key string, a *answer, repo, refs string, w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	after, err := refsState(repo)
	a.status, a.header, a.body = rec.Code, rec.Header(), rec.Body.Bytes()
	c.mu.Lock()
	if err == nil && after == refs && a.status == http.StatusOK && c.size+int64(len(a.body)) <= maxCachedBytes {
		a.ok = true
		c.size += int64(len(a.body))
	} else {
		delete(c.entries, key)
	}
	c.mu.Unlock()
	close(a.done)
	a.write(w)
}

func (a *answer) write(w http.ResponseWriter) {
	for k, v := range a.header {
		w.Header()[k] = v
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}

// cacheable says whether r is a fetch-side request, with the repository's
// directory and the part of the path after it.
func (c *answerCache) cacheable(r *http.Request) (repo, rest string, ok bool) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(p, "/info/refs") &&
		r.URL.Query().Get("service") == "git-upload-pack":
		rest = "/info/refs"
	case r.Method == http.MethodPost && strings.HasSuffix(p, "/git-upload-pack"):
		rest = "/git-upload-pack"
	default:
		return "", "", false
	}
	rel := filepath.Clean("/" + strings.TrimSuffix(p, rest))
	if rel == "/" {
		return "", "", false
	}
	return filepath.Join(c.root, rel), rest, true
}

// requestKey is everything of r the backend's answer depends on, but the
// repository's name.
func requestKey(r *http.Request, rest string, body []byte, refs string) string {
	h := sha256.New()
	for _, s := range []string{r.Method, rest, r.URL.RawQuery, r.Header.Get("Git-Protocol"),
		r.Header.Get("Content-Type"), r.Header.Get("Content-Encoding"), refs} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// refsState is a digest of a bare repository's refs: HEAD, packed-refs
// and every loose ref under refs/, with their contents. Reading a few small
// files costs far less than the git process it saves.
func refsState(repo string) (string, error) {
	h := sha256.New()
	for _, name := range []string{"HEAD", "packed-refs"} {
		b, err := os.ReadFile(filepath.Join(repo, name))
		if err != nil && !(name == "packed-refs" && os.IsNotExist(err)) {
			return "", err
		}
		h.Write([]byte(name + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
	}
	err := filepath.WalkDir(filepath.Join(repo, "refs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// Relative: copies of one repository have the same state.
		rel, err := filepath.Rel(repo, p)
		if err != nil {
			return err
		}
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
		h.Write([]byte{0})
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
