package git

import "testing"

// TestCredentialsForURL: the host binding compares hosts as
// workspace.ParseRemote writes them (Repo.Host), so an explicit default
// port or upper case still matches, and another port does not.
func TestCredentialsForURL(t *testing.T) {
	for _, tc := range []struct {
		host, url string
		ok        bool
	}{
		{"github.com", "https://github.com/o/r.git", true},
		{"github.com", "https://GitHub.com:443/o/r.git", true},
		{"github.com", "https://github.com:8443/o/r.git", false},
		{"127.0.0.1:3000", "http://127.0.0.1:3000/o/r.git", true},
		{"127.0.0.1:3000", "http://127.0.0.1:3001/o/r.git", false},
		{"github.com", "https://github.com.evil.example/o/r.git", false},
		{"github.com", "https://x@evil.example/github.com", false},
		{"", "https://anything/", true},
	} {
		if got := (Credentials{Password: "p", Host: tc.host}).ForURL(tc.url); got != tc.ok {
			t.Errorf("Host %q ForURL(%q) = %v, want %v", tc.host, tc.url, got, tc.ok)
		}
	}
}
