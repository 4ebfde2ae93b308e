//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// benchOrg is the organisation the listing serves every repository under.
const benchOrg = "bench"

// listing is the bench server's Gitea-shaped API: GET
// /api/v1/orgs/bench/repos lists the bare repositories under the server's
// root as Gitea does — `size` in KiB (the repository's size on disk),
// `limit`/`page` pagination (default 30, at most 50 items, as Gitea's
// DEFAULT_PAGING_NUM and MAX_RESPONSE_ITEMS), X-Total-Count and a Link
// header with next/last (first/prev after page 1) — so that mgit clone
// QUERY takes the path users take: a listing that tells each
// repository's size.
type listing struct {
	base  string // the server's base URL, http://127.0.0.1:port
	repos []listedRepo
}

// listedRepo is the part of Gitea's Repository object mgit reads.
type listedRepo struct {
	Name          string `json:"name"`
	FullName      string `json:"full_name"`
	Owner         owner  `json:"owner"`
	CloneURL      string `json:"clone_url"`
	DefaultBranch string `json:"default_branch"`
	Empty         bool   `json:"empty"`
	Size          int64  `json:"size"` // KiB
}

type owner struct {
	Login string `json:"login"`
}

// newListing lists the bare repositories (*.git) under root, served at base.
func newListing(root, base string) (*listing, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	l := &listing{base: base}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasSuffix(e.Name(), ".git") {
			continue
		}
		size, err := diskSize(filepath.Join(root, e.Name()))
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(e.Name(), ".git")
		l.repos = append(l.repos, listedRepo{Name: name, FullName: benchOrg + "/" + name, Owner: owner{Login: benchOrg},
			CloneURL: base + "/" + e.Name(), DefaultBranch: "main", Size: (size + 1023) / 1024})
	}
	slices.SortFunc(l.repos, func(a, b listedRepo) int { return strings.Compare(a.Name, b.Name) })
	return l, nil
}

// diskSize is the bytes of every file under dir, as Gitea sizes a
// repository.
func diskSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	return n, err
}

func (l *listing) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/api/v1/orgs/"+benchOrg+"/repos" {
		http.Error(w, `{"message":"not found"}`, http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	limit := atoiOr(q.Get("limit"), 30)
	limit = min(max(limit, 1), 50)
	page := max(atoiOr(q.Get("page"), 1), 1)
	total := len(l.repos)
	from := min((page-1)*limit, total)
	items := l.repos[from:min(from+limit, total)]
	last := max((total+limit-1)/limit, 1)
	var links []string
	link := func(p int, rel string) {
		u := url.URL{Path: r.URL.Path, RawQuery: url.Values{"limit": {strconv.Itoa(limit)}, "page": {strconv.Itoa(p)}}.Encode()}
		links = append(links, fmt.Sprintf("<%s%s>; rel=%q", l.base, u.String(), rel))
	}
	if page < last {
		link(page+1, "next")
		link(last, "last")
	}
	if page > 1 {
		link(1, "first")
		link(page-1, "prev")
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ","))
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(total))
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if items == nil {
		items = []listedRepo{}
	}
	_ = json.NewEncoder(w).Encode(items)
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
