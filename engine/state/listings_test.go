package state

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

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
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				l.Put("https://example.com/k", "e", []byte{byte(i)})
				if _, b, ok := l.Get("https://example.com/k"); ok && len(b) != 1 {
					t.Errorf("torn read: %v", b)
				}
			}
		})
	}
	wg.Wait()
}

// Listings is the providers' discovery cache.
var _ provider.Cache = (*Listings)(nil)
