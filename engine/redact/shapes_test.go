package redact

import (
	"strings"
	"testing"
)

// Token-shaped values built at run time, so no scanner flags this file.
func fake(prefix string, n int, alphabet string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[(i*7+3)%len(alphabet)])
	}
	return b.String()
}

const (
	alnum  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	base32 = "abcdefghijklmnopqrstuvwxyz234567"
	hexd   = "0123456789abcdef"
)

func TestTextShapes(t *testing.T) {
	ado84 := fake("", 76, alnum) + "AZDO" + fake("", 4, alnum)
	secretShapes := []string{
		fake("ghp_", 36, alnum), fake("gho_", 36, alnum), fake("ghu_", 36, alnum),
		fake("ghs_", 36, alnum), fake("ghr_", 36, alnum),
		fake("github_pat_", 82, alnum+"_"),
		fake("glpat-", 20, alnum+"-_"),
		fake("ATBB", 32, alnum),
		fake("ATCTT3xFfGN0", 100, alnum+"_-="), fake("ATATT3xFfGF0", 180, alnum+"_-="),
		fake("", 52, base32),
		ado84,
	}
	for _, tok := range secretShapes {
		for _, ctx := range []string{"%s", "token=%s", `{"t":"%s"}`, "https://x-access-token:%s@host/x", "(%s)", "%s\n"} {
			in := strings.Replace(ctx, "%s", tok, 1)
			out := Text(in)
			if strings.Contains(out, tok) || !strings.Contains(out, Mask) {
				t.Errorf("Redact(%q) = %q: shape not masked", in, out)
			}
		}
	}
	keep := []string{
		fake("", 40, hexd),                      // SHA-1
		fake("", 64, hexd),                      // SHA-256
		"ghp_short", "glpat-short", "ATBBshort", // too short to be tokens
		strings.Repeat("a", 52),                                 // a word of 52 letters, no digit
		"averyveryverylongrepositorynamethatisnotatokenatall2x", // 53
		"authorization failed for https://github.com/org/repo",
		"Authorization required",
		"ssh://git@github.com:22/org/repo.git",
		"https://user@example.com/org/repo",
		"https://example.com:8443/org/repo",
		"Bearer",
		"plain text with [REDACTED] already",
	}
	for _, s := range keep {
		if out := Text(s); out != s {
			t.Errorf("Redact(%q) = %q, want it unchanged", s, out)
		}
	}
}

func TestTextHeadersAndURLs(t *testing.T) {
	cases := map[string]string{
		"Authorization: Bearer abc.def-ghi":                       "Authorization: Bearer " + Mask,
		"authorization: token abcdef123":                          "authorization: token " + Mask,
		"AUTHORIZATION:Basic eC1hY2Nlc3MtdG9rZW46c2VjcmV0":        "AUTHORIZATION:Basic " + Mask,
		`{"Authorization":"Bearer abc123xyz","x":1}`:              `{"Authorization":"Bearer ` + Mask + `","x":1}`,
		"http.extraHeader=Authorization: Basic Zm9vOmJhcg==":      "http.extraHeader=Authorization: Basic " + Mask,
		"Proxy-Authorization: Negotiate YIIabc":                   "Proxy-Authorization: Negotiate " + Mask,
		"PRIVATE-TOKEN: abcdefgh":                                 "PRIVATE-TOKEN: " + Mask,
		"authorization=opaque-value rest":                         "authorization=" + Mask + " rest",
		"clone https://bob:hunter2@git.example.com/a/b failed":    "clone https://bob:" + Mask + "@git.example.com/a/b failed",
		"url=https://bob:p@ss@host/x":                             "url=https://bob:" + Mask + "@host/x",
		"ssh://git:pw@h/x and http://u:v@h2":                      "ssh://git:" + Mask + "@h/x and http://u:" + Mask + "@h2",
		"remote: https://user:" + Mask + "@host/x (already done)": "remote: https://user:" + Mask + "@host/x (already done)",
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
