package state

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/provider"
)

func TestListingsRoundTrip(t *testing.T) {
	l := OpenListings(t.TempDir(), zerolog.Nop())
	key := "https://api.github.com/orgs/acme/repos?per_page=100"
	if _, _, ok := l.Get(key); ok {
		t.Fatal("empty cache hit")
	}
	l.Put(key, `W/"etag1"`, []byte(`[{"name":"a"}]`))
	etag, body, ok := l.Get(key)
	if !ok || etag != `W/"etag1"` || string(body) != `[{"name":"a"}]` {
		t.Fatalf("Get = %q %q %v", etag, body, ok)
	}
	l.Put(key, `"etag2"`, []byte(`[]`))
	if etag, body, _ := l.Get(key); etag != `"etag2"` || string(body) != `[]` {
		t.Fatalf("after replace: %q %q", etag, body)
	}
}

func TestListingsRefusesCredentialsInKey(t *testing.T) {
	dir := t.TempDir()
	l := OpenListings(dir, zerolog.Nop())
	l.Put("https://user:secret@example.com/api", "e", []byte("x"))
	if _, _, ok := l.Get("https://user:secret@example.com/api"); ok {
		t.Fatal("key with credentials was stored")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "listings", "*"))
	if len(files) != 0 {
		t.Fatalf("files written: %v", files)
	}
}

// The provider client's keys, "<provider> <url>", are stored as they are,
// and two providers with the same URL keep separate entries.
func TestListingsProviderKeys(t *testing.T) {
	dir := t.TempDir()
	l := OpenListings(dir, zerolog.Nop())
	const u = "https://api.github.com/orgs/acme/repos?per_page=100&type=all"
	l.Put("work "+u, `"w"`, []byte("work body"))
	l.Put("personal "+u, `"p"`, []byte("personal body"))
	for _, tc := range []struct{ key, etag, body string }{
		{"work " + u, `"w"`, "work body"},
		{"personal " + u, `"p"`, "personal body"},
	} {
		etag, body, ok := l.Get(tc.key)
		if !ok || etag != tc.etag || string(body) != tc.body {
			t.Errorf("Get(%q) = %q %q %v", tc.key, etag, body, ok)
		}
	}
	if _, _, ok := l.Get(u); ok {
		t.Error("a bare URL found a provider's entry")
	}
	// Azure DevOps pages with continuationToken, which is no credential.
	page2 := "ado https://dev.azure.com/contoso/_apis/projects?api-version=7.1&continuationToken=abc%3D%3D"
	l.Put(page2, `"c"`, []byte("page 2"))
	if _, _, ok := l.Get(page2); !ok {
		t.Error("continuationToken key refused")
	}
}

// Keys that may carry a credential are never written, in either form.
func TestListingsRefusesSecretKeys(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	l := OpenListings(dir, zerolog.New(&logs))
	const secret = "hunter2-secret-value"
	keys := []string{
		"work https://user:" + secret + "@example.com/api",
		"work https://" + secret + "@example.com/api",
		"https://gitlab.example.com/api/v4/groups?private_token=" + secret,
		"lab https://gitlab.example.com/api/v4/groups?private_token=" + secret,
		"gh https://api.github.com/user/repos?access_token=" + secret,
		"gh https://api.github.com/user/repos?page=2&Access-Token=" + secret,
		"x https://example.com/a?api_key=" + secret,
		"x https://example.com/a?X-Amz-Signature=" + secret,
		"x https://example.com/a?client_secret=" + secret,
		"x https://example.com/a?password=" + secret,
		"x https://example.com/a?token=" + secret,
		"x https://example.com/a?q=ghp_" + secret,
		"x https://example.com/a?q=glpat-" + secret,
		"work not a url " + secret,
		"work ftp://example.com/" + secret,
		"work /relative/" + secret,
		" https://example.com/" + secret, // empty provider name
	}
	for _, k := range keys {
		l.Put(k, "e", []byte("x"))
		if _, _, ok := l.Get(k); ok {
			t.Errorf("key %q was stored", k)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "listings", "*"))
	if len(files) != 0 {
		t.Fatalf("files written: %v", files)
	}
	if strings.Contains(logs.String(), secret) {
		t.Fatalf("a refused key reached the log:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "key refused") {
		t.Fatalf("refusals not logged:\n%s", logs.String())
	}
}

// TestListingsServeProviderConditionalRequests wires Listings into a real
// provider client: the second listing is a conditional request answered
// 304 and served from the cache.
func TestListingsServeProviderConditionalRequests(t *testing.T) {
	var mu sync.Mutex
	conditional304 := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/orgs/acme/repos" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			mu.Lock()
			conditional304++
			mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"name":"app","full_name":"acme/app","owner":{"login":"acme"},"clone_url":"https://ghe.example/acme/app.git","default_branch":"main"}]`))
	}))
	defer srv.Close()
	l := OpenListings(t.TempDir(), zerolog.Nop())
	q, err := provider.ParseQuery("acme/*")
	if err != nil {
		t.Fatal(err)
	}
	var fromCache []bool
	p, err := provider.New(provider.Config{
		Name: "work", Kind: provider.KindGitHub, URL: srv.URL, Token: "tok", Cache: l, Client: srv.Client(),
		Observe: func(ri provider.RequestInfo) {
			mu.Lock()
			fromCache = append(fromCache, ri.FromCache)
			mu.Unlock()
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		repos, err := p.List(context.Background(), q)
		if err != nil || len(repos) != 1 || repos[0].FullName != "acme/app" {
			t.Fatalf("listing %d: %v %v", i+1, repos, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if conditional304 != 1 || len(fromCache) != 2 || fromCache[0] || !fromCache[1] {
		t.Fatalf("304s = %d, from cache = %v; want the second listing answered 304 from the cache", conditional304, fromCache)
	}
}

func TestListingsCorruptIsMiss(t *testing.T) {
	var logs bytes.Buffer
	dir := t.TempDir()
	l := OpenListings(dir, zerolog.New(&logs))
	key := "https://example.com/a"
	l.Put(key, "e", []byte("x"))
	p := filepath.Join(dir, "listings", hashName(key))
	if err := os.WriteFile(p, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := l.Get(key); ok {
		t.Fatal("corrupt entry hit")
	}
	if logs.Len() == 0 {
		t.Fatal("no warning")
	}
}

func TestListingsConcurrent(t *testing.T) {
	l := OpenListings(t.TempDir(), zerolog.Nop())
	const key = "https://example.com/k"
	// Bodies of different lengths, each led by the checksum of the rest, so
	// a read mixing two writes is detected even if it still decodes.
	body := func(i, j int) []byte {
		payload := bytes.Repeat([]byte{byte('a' + i), byte('0' + j%10)}, 2000+97*i+j)
		sum := sha256.Sum256(payload)
		return append([]byte(hex.EncodeToString(sum[:])), payload...)
	}
	intact := func(b []byte) bool {
		if len(b) < 64 {
			return false
		}
		sum := sha256.Sum256(b[64:])
		return string(b[:64]) == hex.EncodeToString(sum[:])
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				l.Put(key, "e", body(i, j))
				// Nothing removes the entry but a corrupt read, so the Get
				// right after this goroutine's own Put must hit; the body
				// may be another goroutine's, but whole.
				_, b, ok := l.Get(key)
				if !ok {
					t.Errorf("miss right after a Put")
					return
				}
				if !intact(b) {
					t.Errorf("torn read: %d bytes", len(b))
					return
				}
			}
		})
	}
	wg.Wait()
}

// Listings is the providers' discovery cache.
var _ provider.Cache = (*Listings)(nil)

// TestListingsBounded: the cache never grows past its bounds, evicting the
// entries written longest ago first (6,043 files and 1.1 GB were seen
// after looping runs when it had no bound).
func TestListingsBounded(t *testing.T) {
	dir := t.TempDir()
	l := OpenListings(dir, zerolog.Nop())
	l.maxFiles, l.maxBytes = 10, 1<<20
	body := bytes.Repeat([]byte("x"), 64<<10)
	old := time.Now().Add(-time.Hour)
	l.Put("p https://api.example.com/oldest", `"e"`, body)
	oldest := filepath.Join(dir, "listings", hashName("p https://api.example.com/oldest"))
	if err := os.Chtimes(oldest, old, old); err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		l.Put(fmt.Sprintf("p https://api.example.com/orgs/x/repos?page=%d", i), `"e"`, body)
		files, size := dirUsage(t, filepath.Join(dir, "listings"))
		if files > l.maxFiles || size > l.maxBytes {
			t.Fatalf("after %d puts: %d files, %d bytes; bounds %d files, %d bytes", i+2, files, size, l.maxFiles, l.maxBytes)
		}
	}
	if _, err := os.Stat(oldest); !os.IsNotExist(err) {
		t.Fatalf("the oldest entry survived pruning: %v", err)
	}
	// The byte bound alone: few files, each big.
	l2 := OpenListings(t.TempDir(), zerolog.Nop())
	l2.maxFiles, l2.maxBytes = 1000, 300<<10
	for i := range 20 {
		l2.Put(fmt.Sprintf("p https://api.example.com/%d", i), `"e"`, body)
	}
	if _, size := dirUsage(t, l2.dir); size > l2.maxBytes {
		t.Fatalf("%d bytes, bound %d", size, l2.maxBytes)
	}
}

func dirUsage(t *testing.T, dir string) (files int, size int64) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		files++
		size += info.Size()
	}
	return files, size
}
