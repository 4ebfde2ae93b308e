//go:build linux

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mgit-dev/mgit/engine/provider"
)

// TestListingAsGiteaClientReadsIt: mgit's own Gitea client lists every
// served repository through the pages (limit 50: three pages for 120),
// with its clone URL and its size on disk rounded up to KiB.
func TestListingAsGiteaClientReadsIt(t *testing.T) {
	root := t.TempDir()
	const n = 120
	for i := range n {
		dir := filepath.Join(root, fmt.Sprintf("r%04d.git", i))
		if err := os.MkdirAll(filepath.Join(dir, "objects"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "objects", "pack"), make([]byte, 1500+i), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "not-a-repo"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := &server{backend: http.NotFoundHandler()}
	base, stop, err := s.serve(root, false)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	p, err := provider.New(provider.Config{Name: "bench", Kind: provider.KindGitea, URL: base})
	if err != nil {
		t.Fatal(err)
	}
	repos, err := p.List(context.Background(), provider.Query{Org: benchOrg, Repo: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if len(repos) != n {
		t.Fatalf("listed %d repositories, want %d", len(repos), n)
	}
	for i, r := range repos {
		name := fmt.Sprintf("r%04d", i)
		if r.Name != name || r.CloneURL != base+"/"+name+".git" || r.Size != 2048 {
			t.Errorf("repository %d: %s %s size %d, want %s %s size 2048", i, r.Name, r.CloneURL, r.Size, name, base+"/"+name+".git")
		}
	}
	if got := s.counts().requests; got != 3 {
		t.Errorf("%d requests for %d repositories, want 3 pages of 50", got, n)
	}
	resp, err := http.Get(base + "/api/v1/orgs/" + benchOrg + "/repos?limit=50&page=3")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if link := resp.Header.Get("Link"); strings.Contains(link, `rel="next"`) || !strings.Contains(link, `rel="prev"`) ||
		resp.Header.Get("X-Total-Count") != "120" {
		t.Errorf("last page: Link %q, X-Total-Count %q; want prev and no next, 120", link, resp.Header.Get("X-Total-Count"))
	}
}
