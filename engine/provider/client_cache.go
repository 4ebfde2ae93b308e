package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mgit-dev/mgit/engine/redact"
)

// cachedEntry is how a response is kept in the Cache: the body plus the
// headers paging needs (Link, X-Total-Count, X-Next-Page, continuation
// tokens), because a 304 carries neither.
type cachedEntry struct {
	Header http.Header `json:"h"`
	Body   []byte      `json:"b"`
}

func encodeCached(resp *response) []byte {
	h := resp.Header.Clone()
	for _, k := range []string{"Set-Cookie", "Date", "Etag", "Content-Length"} {
		h.Del(k)
	}
	for k := range h {
		if strings.Contains(strings.ToLower(k), "ratelimit") {
			h.Del(k)
		}
	}
	b, _ := json.Marshal(cachedEntry{Header: h, Body: resp.Body})
	return b
}

func cachedResponse(u *url.URL, b []byte) (*response, error) {
	var e cachedEntry
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("cache entry for %s: %w: %v", redact.URL(u.String()), ErrBadResponse, err)
	}
	if e.Header == nil {
		e.Header = http.Header{}
	}
	return &response{Status: http.StatusOK, Header: e.Header, Body: e.Body, URL: u, FromCache: true}, nil
}
