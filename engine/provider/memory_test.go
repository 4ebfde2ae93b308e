package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// mapCache is a Cache that keeps what it is given, as the disk cache would.
type mapCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *mapCache) Get(key string) (string, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return `"e"`, b, ok
}

func (c *mapCache) Put(key, etag string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = append([]byte(nil), body...)
}

// TestLargePageMemory: a 30 MB page of 300 repositories whose bulk is in
// fields mgit does not keep costs memory for the body once and for what is
// kept — not several copies of the body (the page was decoded twice, and
// base64-encoded twice into the cache: 433 MB for a 31 MB page).
func TestLargePageMemory(t *testing.T) {
	const repos, filler = 300, 100 << 10
	var b bytes.Buffer
	b.WriteByte('[')
	pad := strings.Repeat("x", filler)
	for i := range repos {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"r%d","full_name":"acme/r%d","clone_url":"https://h/acme/r%d.git","readme_html":%q}`, i, i, i, i, pad)
	}
	b.WriteByte(']')
	body := b.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"e"`)
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body)
	}))
	defer srv.Close()
	cache := &mapCache{m: map[string][]byte{}}
	c, _ := newTestClient(t, srv, Config{Cache: cache})

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := pagedJSON[gitHubRepo](context.Background(), c, "/orgs/acme/repos", linkNext)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != repos || got[repos-1].FullName != fmt.Sprintf("acme/r%d", repos-1) {
		t.Fatalf("listed %d repositories, last %+v", len(got), got[len(got)-1])
	}
	// TotalAlloc counts every byte allocated meanwhile, so it bounds the peak.
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MB page allocated %d MB", len(body)>>20, alloc>>20)
	if alloc > 100<<20 {
		t.Fatalf("a %d MB page allocated %d MB, want under 100 MB", len(body)>>20, alloc>>20)
	}
}
