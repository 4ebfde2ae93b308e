package state

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Listings is the provider discovery cache: one file per request URL
// holding the response body and its ETag. It implements provider.Cache
// (asserted in its test, so this package builds without the providers).
type Listings struct {
	dir string
	log zerolog.Logger
	// mu keeps a Get from reading while a Put of the same process renames;
	// other processes are covered by the atomic rename.
	mu sync.Mutex
}

// OpenListings returns a listing cache under dir (see DefaultDir).
func OpenListings(dir string, log zerolog.Logger) *Listings {
	return &Listings{dir: filepath.Join(dir, "listings"), log: log}
}

type listing struct {
	Version int       `json:"version"`
	Key     string    `json:"key"`
	ETag    string    `json:"etag"`
	Body    []byte    `json:"body"`
	Saved   time.Time `json:"saved"`
}

// Get returns the cached body for key. A corrupt or foreign file is a miss
// (and removed).
func (l *Listings) Get(key string) (etag string, body []byte, ok bool) {
	p := filepath.Join(l.dir, hashName(key))
	l.mu.Lock()
	data, err := os.ReadFile(p)
	l.mu.Unlock()
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			l.log.Warn().Err(err).Str("file", p).Msg("listing cache unreadable, ignored")
		}
		return "", nil, false
	}
	var e listing
	if err := json.Unmarshal(data, &e); err != nil || e.Version != Version || e.Key != key {
		l.log.Warn().Str("file", p).Msg("listing cache entry corrupt or of another version, discarded")
		_ = os.Remove(p)
		return "", nil, false
	}
	return e.ETag, e.Body, true
}

// Put stores body and etag for key. Failures are logged, not returned: the
// next request simply is not conditional. A key carrying user information
// is refused, because the cache must never hold a credential.
func (l *Listings) Put(key, etag string, body []byte) {
	if u, err := url.Parse(key); err != nil || u.User != nil {
		l.log.Warn().Msg("listing cache: key with credentials or unparsable, not stored")
		return
	}
	data, err := json.Marshal(listing{Version: Version, Key: key, ETag: etag, Body: body, Saved: time.Now().UTC()})
	if err != nil {
		l.log.Warn().Err(err).Msg("listing cache: encode")
		return
	}
	p := filepath.Join(l.dir, hashName(key))
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := writeAtomic(p, data); err != nil {
		l.log.Warn().Err(err).Msg("listing cache: write")
	}
}
