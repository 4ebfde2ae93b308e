package main

import (
	"encoding/json"
	"net"
	"net/http"
	"time"
)

// serveListing answers GitHub's REST API on a loopback listener like a
// GitHub Enterprise server whose organisation acme holds every repository
// of the picture: the cloned ones and notCloned. It returns the server's
// base URL.
func serveListing(cloneBase string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	var names []string
	for _, st := range states() {
		names = append(names, st.name)
	}
	names = append(names, notCloned...)
	pushed := time.Now().Add(-26 * time.Hour).UTC()
	var repos []map[string]any
	for i, n := range names {
		repos = append(repos, map[string]any{
			"name": n, "full_name": "acme/" + n, "owner": map[string]any{"login": "acme"},
			"clone_url": cloneBase + "/acme/" + n + ".git", "ssh_url": "git@" + ln.Addr().String() + ":acme/" + n + ".git",
			"default_branch": "main", "private": i%3 == 0, "size": 1200 + 370*i, "pushed_at": pushed,
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v3/orgs/acme/repos", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(repos)
	})
	mux.HandleFunc("/api/v3/user", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"login":"ada"}`))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
