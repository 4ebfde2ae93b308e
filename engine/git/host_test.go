package git

import (
	"net/url"
	"testing"
)

// TestURLHost: one server is one host whatever the case or an explicit
// default port; another port is another host.
func TestURLHost(t *testing.T) {
	for raw, want := range map[string]string{
		"https://GitHub.com/o/r":     "github.com",
		"https://github.com:443/o/r": "github.com",
		"http://h:80/x":              "h",
		"http://h:443/x":             "h:443",
		"https://h:8443/x":           "h:8443",
		"ssh://git@h:22/x":           "h",
		"git://h:9418/x":             "h",
		"HTTPS://H:443/x":            "h",
		"https://[::1]:8443/x":       "[::1]:8443",
		"file:///srv/repo.git":       "",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := URLHost(u); got != want {
			t.Errorf("URLHost(%s) = %q, want %q", raw, got, want)
		}
	}
	if DefaultPort("file") != "" {
		t.Error("file has no default port")
	}
}
