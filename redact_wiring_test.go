package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/mgit-dev/mgit/engine/provider"
	"github.com/mgit-dev/mgit/engine/redact"
	"github.com/mgit-dev/mgit/engine/state"
	"github.com/mgit-dev/mgit/secure"
)

// TestOneSecretListEverywhere is issue 14's adversary: secrets that one of
// the five drifted lists let through, now stopped by every writer at once.
//
//   - A GitLab deploy token (gldt-…) in a query value: the state cache's
//     prefix list did not know gldt- and stored the key in its file; the
//     provider client's redactor looked only at parameter names and quoted
//     it in its error.
//   - The same token echoed in the server's error message, which the
//     provider client quoted as it came.
//   - A private_token query parameter in a log line: secure's shapes
//     masked the PRIVATE-TOKEN header but not the query parameter.
//
// The server is hostile: its Link header sends the client to a next page
// whose URL carries the token; page 2 is cached, page 3 fails.
func TestOneSecretListEverywhere(t *testing.T) {
	deploy := "gldt-" + strings.Repeat("Zq7x", 6)
	const private = "hunter2-private-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		repo := func(n int) string {
			return fmt.Sprintf(`[{"name":"r%d","full_name":"acme/r%d","owner":{"login":"acme"},"clone_url":"http://%s/acme/r%d.git"}]`, n, n, r.Host, n)
		}
		switch page {
		case "1":
			w.Header().Set("Link", `<http://`+r.Host+`/api/v1/orgs/acme/repos?limit=50&page=2&q=`+deploy+`>; rel="next"`)
			w.Header().Set("ETag", `"p1"`)
			fmt.Fprint(w, repo(1))
		case "2":
			w.Header().Set("Link", `<http://`+r.Host+`/api/v1/orgs/acme/repos?limit=50&page=3&q=`+deploy+`>; rel="next"`)
			w.Header().Set("ETag", `"p2"`)
			fmt.Fprint(w, repo(2))
		default:
			// The server echoes the request, token and all.
			http.Error(w, `{"message":"bad request `+r.URL.String()+`"}`, http.StatusBadRequest)
		}
	}))
	defer srv.Close()

	cacheDir := t.TempDir()
	var logs bytes.Buffer
	log := zerolog.New(secure.NewWriter(&logs, secure.NewRedactor(redact.Text)))
	p, err := provider.New(provider.Config{Name: "forge", Kind: provider.KindGitea, URL: srv.URL,
		Token: "t0ken-registered", Client: srv.Client(), Cache: state.OpenListings(cacheDir, log)})
	if err != nil {
		t.Fatal(err)
	}
	q, err := provider.ParseQuery("acme")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.List(context.Background(), q)
	if err == nil {
		t.Fatal("page 3 failed, List did not")
	}
	if msg := err.Error(); strings.Contains(msg, deploy) || !strings.Contains(msg, "page=3") {
		t.Errorf("provider error quotes the deploy token (or lost its URL): %s", msg)
	}

	files, _ := filepath.Glob(filepath.Join(cacheDir, "listings", "*"))
	if len(files) == 0 {
		t.Fatal("the cache stored nothing: page 1 had an ETag and no secret")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte(deploy)) {
			t.Errorf("cache file %s holds the deploy token", f)
		}
	}

	log.Error().Err(err).Str("url", srv.URL+"/api/v4/projects?page=2&private_token="+private).Msg("list failed")
	if out := logs.String(); strings.Contains(out, private) || strings.Contains(out, deploy) || !strings.Contains(out, "list failed") {
		t.Errorf("log line holds a secret:\n%s", out)
	}
	if secure.Mask != redact.Mask {
		t.Errorf("secure.Mask %q and redact.Mask %q differ", secure.Mask, redact.Mask)
	}
}
