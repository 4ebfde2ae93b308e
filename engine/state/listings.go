package state

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/redact"
)

// Listings is the provider discovery cache: one file per key holding the
// response body and its ETag. It implements provider.Cache (asserted in its
// test, so this package builds without the providers) with the provider
// client's own keys, "<provider name> <request URL>", so two accounts on
// one host never share a listing; a bare request URL is accepted too.
//
// The cache is bounded (MaxListingBytes, MaxListingFiles): the first Put
// of a process, and every Put that would take its running estimate past a
// bound, removes the least recently written entries beyond either bound,
// so neither endless listings nor years of use grow it without limit.
type Listings struct {
	dir string
	log zerolog.Logger
	// mu keeps a Get from reading while a Put of the same process renames;
	// other processes are covered by the atomic rename.
	mu sync.Mutex
	// Estimate of the directory's use since the last prune (a replaced
	// entry counts twice, which only prunes sooner); scanned is false
	// until the first prune of this process.
	scanned bool
	files   int
	bytes   int64

	maxBytes int64 // MaxListingBytes; smaller in tests
	maxFiles int   // MaxListingFiles
}

// Bounds of the listing cache. A page of 100 repositories is about 1 MB
// (GitHub's full repository objects); providers do not hand bigger pages
// to the cache (see provider.maxCachedBody).
const (
	MaxListingBytes = 128 << 20
	MaxListingFiles = 4096
)

// OpenListings returns a listing cache under dir (see DefaultDir).
func OpenListings(dir string, log zerolog.Logger) *Listings {
	return &Listings{dir: filepath.Join(dir, "listings"), log: log, maxBytes: MaxListingBytes, maxFiles: MaxListingFiles}
}

// listingVersion is the format of a listing file; the store's Version
// moved on without it.
const listingVersion = 1

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
	if err := json.Unmarshal(data, &e); err != nil || e.Version != listingVersion || e.Key != key {
		l.log.Warn().Str("file", p).Msg("listing cache entry corrupt or of another version, discarded")
		_ = os.Remove(p)
		return "", nil, false
	}
	return e.ETag, e.Body, true
}

// Put stores body and etag for key. Failures are logged, not returned: the
// next request simply is not conditional. A key that could carry a
// credential is refused (see checkKey), because the cache must never hold
// one.
func (l *Listings) Put(key, etag string, body []byte) {
	if err := checkKey(key); err != nil {
		l.log.Warn().Str("reason", err.Error()).Msg("listing cache: key refused, not stored")
		return
	}
	data, err := json.Marshal(listing{Version: listingVersion, Key: key, ETag: etag, Body: body, Saved: time.Now().UTC()})
	if err != nil {
		l.log.Warn().Err(err).Msg("listing cache: encode")
		return
	}
	p := filepath.Join(l.dir, hashName(key))
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := writeAtomic(p, data); err != nil {
		l.log.Warn().Err(err).Msg("listing cache: write")
		return
	}
	l.files++
	l.bytes += int64(len(data))
	if !l.scanned || l.files > l.maxFiles || l.bytes > l.maxBytes {
		l.prune()
	}
}

// prune removes the oldest entries (by modification time) until the cache
// holds at most maxFiles files of at most maxBytes together. Errors only
// leave the cache bigger; they are logged.
func (l *Listings) prune() {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		l.log.Warn().Err(err).Msg("listing cache: prune")
		return
	}
	type entry struct {
		name string
		size int64
		mod  time.Time
	}
	var all []entry
	var total int64
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile by another process
		}
		all = append(all, entry{e.Name(), info.Size(), info.ModTime()})
		total += info.Size()
	}
	sort.Slice(all, func(i, j int) bool { return all[i].mod.Before(all[j].mod) })
	removed := 0
	for i := 0; i < len(all) && (total > l.maxBytes || len(all)-i > l.maxFiles); i++ {
		if err := os.Remove(filepath.Join(l.dir, all[i].name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			l.log.Warn().Err(err).Msg("listing cache: prune")
			continue
		}
		total -= all[i].size
		removed++
	}
	l.scanned, l.files, l.bytes = true, len(all)-removed, total
}

// checkKey accepts "<provider name> <url>" or a bare URL whose scheme is
// http or https, with a host, and with neither user information nor a
// query parameter that looks like a credential. Its errors never quote
// the key: the point of refusing one is that it may hold a secret.
func checkKey(key string) error {
	raw := key
	if name, rest, ok := strings.Cut(key, " "); ok {
		if name == "" || len(name) > 100 || strings.ContainsFunc(name, notNameRune) {
			return errors.New("bad provider name")
		}
		raw = rest
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("unparsable URL")
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return errors.New("not an http(s) URL")
	case u.User != nil:
		return errors.New("URL with user information")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return errors.New("unparsable query")
	}
	for k, vs := range q {
		if redact.Param(k) {
			return errors.New("query parameter " + strconv.Quote(k) + " looks like a credential")
		}
		for _, v := range vs {
			if redact.Prefixed(v) || redact.Text(v) != v {
				return errors.New("query parameter " + strconv.Quote(k) + " holds what looks like a token")
			}
		}
	}
	return nil
}

func notNameRune(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }
