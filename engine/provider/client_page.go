package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/mgit-dev/mgit/engine/redact"
)

// errTooManyPages is returned when a listing keeps announcing another page
// past the client's bound (an endless next loop on a broken server).
var errTooManyPages = errors.New("too many pages")

// nextFunc extracts the next page from a response: a path under the API
// base or an absolute URL (resolved against the response URL when
// relative). "" ends the listing.
type nextFunc func(resp *response) (string, error)

// maxEmptyPages is how many pages in a row may bring no item at all while
// announcing another: real APIs end a listing with its last full page.
const maxEmptyPages = 3

// pages GETs first and then every next page until next returns "", calling
// each with every response in order. A next page already visited, or more
// than maxPages pages, is an error rather than a loop; so is a page that
// brings only repositories earlier pages listed (or nothing, maxEmptyPages
// times in a row) while announcing yet another page: an endless listing is
// stopped in a few requests instead of by the page bound, and repositories
// are counted once each against maxItems however often a server repeats
// them. A next page on another host (or scheme) is refused: fetched without
// the credential it would silently lose private repositories, and a
// hostile server could inject repositories through it. The usual cause is
// a server configured with another external URL than the one mgit was
// given.
func (c *client) pages(ctx context.Context, first string, next nextFunc, each func(*response) error) error {
	ref := first
	seen := map[string]bool{}
	known := newItemSet()
	items, empty := 0, 0
	for n := 1; ; n++ {
		if n > c.maxPages {
			return fmt.Errorf("list %s: %w: more than %d", redact.URL(first), errTooManyPages, c.maxPages)
		}
		u, err := c.resolve(ref)
		if err != nil {
			return err
		}
		if n > 1 && !c.sameHost(u) {
			where, api := u.Host, c.base.Host
			if strings.EqualFold(where, api) { // only the scheme differs
				where, api = u.Scheme+"://"+where, c.base.Scheme+"://"+api
			}
			return fmt.Errorf("list %s: %w: next page %s is on %s, not the API host %s "+
				"(set the provider URL to the server's external URL)",
				redact.URL(first), ErrBadResponse, redact.URL(u.String()), where, api)
		}
		if seen[u.String()] {
			return fmt.Errorf("list %s: %w: next page %s was already listed", redact.URL(first), ErrBadResponse, redact.URL(u.String()))
		}
		seen[u.String()] = true
		resp, err := c.get(ctx, u.String())
		if err != nil {
			return err
		}
		total, fresh := known.add(resp.Body)
		if items += fresh; items > c.maxItems {
			return fmt.Errorf("list %s: %w: more than %d (raise --max-repos, or narrow the query)", redact.URL(first), ErrTooManyRepos, c.maxItems)
		}
		if err := each(resp); err != nil {
			return err
		}
		nx, err := next(resp)
		if err != nil {
			return err
		}
		if nx == "" {
			return nil
		}
		switch {
		case total > 0 && fresh == 0:
			return fmt.Errorf("list %s: %w: page %d lists only repositories earlier pages listed and announces another: "+
				"the server's paging does not end (report it to the server's administrator)", redact.URL(first), ErrBadResponse, n)
		case total == 0:
			if empty++; empty >= maxEmptyPages {
				return fmt.Errorf("list %s: %w: %d empty pages in a row, each announcing another: "+
					"the server's paging does not end (report it to the server's administrator)", redact.URL(first), ErrBadResponse, empty)
			}
		default:
			empty = 0
		}
		ref, err = resolveAgainst(resp.URL, nx)
		if err != nil {
			return err
		}
	}
}

// pagedJSON lists every page whose body is a JSON array of T.
func pagedJSON[T any](ctx context.Context, c *client, first string, next nextFunc) ([]T, error) {
	var all []T
	err := c.pages(ctx, first, next, func(resp *response) error {
		var page []T
		if err := decodeJSON(resp, &page); err != nil {
			return err
		}
		all = append(all, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// resolveAgainst resolves a relative next reference against the page that
// announced it; absolute URLs and API paths ("/orgs/…") stay as they are
// for client.resolve.
func resolveAgainst(cur *url.URL, ref string) (string, error) {
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("next page %q: %w: %v", redact.URL(ref), ErrBadResponse, err)
	}
	if u.IsAbs() || strings.HasPrefix(ref, "/") || cur == nil {
		return ref, nil
	}
	return cur.ResolveReference(u).String(), nil
}

// linkNext is the nextFunc of APIs paging with RFC 8288 Link headers
// (GitHub, Gitea): the URL of rel="next", or "" on the last page.
func linkNext(resp *response) (string, error) {
	return linkRel(resp.Header.Values("Link"), "next"), nil
}

// linkRel finds the target of relation rel in Link header values such as
// `<https://api.github.com/…&page=2>; rel="next", <…>; rel="last"`.
func linkRel(values []string, rel string) string {
	for _, v := range values {
		for _, part := range splitLinks(v) {
			part = strings.TrimSpace(part)
			if !strings.HasPrefix(part, "<") {
				continue
			}
			end := strings.Index(part, ">")
			if end < 0 {
				continue
			}
			target := part[1:end]
			for _, p := range strings.Split(part[end+1:], ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if strings.EqualFold(r, rel) {
						return target
					}
				}
			}
		}
	}
	return ""
}

// splitLinks splits a Link header on the commas between links, not the
// commas inside <…> URLs.
func splitLinks(v string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range v {
		switch r {
		case '<':
			depth++
		case '>':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				out = append(out, v[start:i])
				start = i + 1
			}
		}
	}
	return append(out, v[start:])
}
