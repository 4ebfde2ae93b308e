package git

import (
	"testing"
	"time"
)

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

// TestParseRetryAfterHuge: a Retry-After in seconds beyond what a Duration
// holds overflowed: "9223372037" became a negative wait (ignored, so the
// operation retried at once) and larger values wrapped to arbitrary short
// waits. A huge wait must stay huge, so --max-wait refuses it.
func TestParseRetryAfterHuge(t *testing.T) {
	for _, v := range []string{"9223372037", "18446744074", "99999999999999999"} {
		d, ok := ParseRetryAfter(v, time.Now())
		if !ok || d < 24*time.Hour {
			t.Errorf("ParseRetryAfter(%q) = %v, %v; want a wait longer than a day", v, d, ok)
		}
	}
}
