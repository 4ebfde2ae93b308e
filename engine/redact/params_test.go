package redact

import (
	"strings"
	"testing"
)

func TestURLUserinfo(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://github.com/o/r", "https://github.com/o/r"},
		{"https://u:s3cret@github.com/o/r", "https://xxxxx@github.com/o/r"},
		// A token given as the user name is as secret as a password.
		{"https://ghp_S3CRET@github.com/o/r", "https://xxxxx@github.com/o/r"},
		// url.Parse refuses these; the user info is cut out textually.
		{"https://u:s3cret@github.com:99x/o/r", "https://xxxxx@github.com:99x/o/r"},
		{"https://u:s3cret@github.com/o/r\n", "https://xxxxx@github.com/o/r\n"},
		{"https://u:p@ss@s3cret@h:bad/x@y", "https://xxxxx@h:bad/x@y"},
		{"https://u:s3cret@h:bad", "https://xxxxx@h:bad"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git"},
	}
	for _, tc := range cases {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Param is the union of the lists that had drifted apart (the provider
// client's, the state cache's, the configuration file's), with paging
// cursors excluded everywhere.
func TestParam(t *testing.T) {
	for _, n := range []string{
		"token", "private_token", "access_token", "Access-Token", "api_key", "apikey", "X-Api-Key",
		"X-Amz-Signature", "sig", "client_secret", "password", "passwd", "pwd", "pat", "code",
		"auth", "authorization", "app_password", "api_token", "credential", "oauth_token",
	} {
		if !Param(n) {
			t.Errorf("Param(%q) = false", n)
		}
	}
	for _, n := range []string{
		"continuationToken", "page", "per_page", "q", "api-version", "type", "visibility",
		"credential_helper", "keys", "name", "url", "user", "owners", "start", "limit",
	} {
		if Param(n) {
			t.Errorf("Param(%q) = true", n)
		}
	}
}

func TestURLQuery(t *testing.T) {
	gldt := "gldt-" + strings.Repeat("aB3x", 6)
	cases := []struct{ in, want string }{
		{"https://h/a?page=2&private_token=s3cret&x=1", "https://h/a?page=2&private_token=" + Mask + "&x=1"},
		{"https://h/a?q=" + gldt, "https://h/a?q=" + Mask},
		{"https://h/a?api-version=7.1&continuationToken=abc%3D", "https://h/a?api-version=7.1&continuationToken=abc%3D"},
		{"https://u:p@h/a?pat=x#f", "https://xxxxx@h/a?pat=" + Mask + "#f"},
		{"https://h/" + gldt + "/x", "https://h/" + Mask + "/x"},
	}
	for _, tc := range cases {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Text masks a credential parameter's value inside any text, not only in
// URLs it parsed: a log line quoting a request keeps no token.
func TestTextQueryValue(t *testing.T) {
	cases := map[string]string{
		"GET https://h/a?private_token=hunter2&page=2 failed": "GET https://h/a?private_token=" + Mask + "&page=2 failed",
		`{"url":"https://h/a?page=1&sig=abc"}`:                `{"url":"https://h/a?page=1&sig=` + Mask + `"}`,
		"https://h/a?continuationToken=abc&page=2":            "https://h/a?continuationToken=abc&page=2",
		"a?b=c & d=e": "a?b=c & d=e",
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}
