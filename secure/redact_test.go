package secure

import (
	"strings"
	"sync"
	"testing"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor()
	r.Register("ghp_secret123")
	r.Register("ghp_secret123456") // contains the first: masked whole
	r.Register("ab")               // too short: ignored
	r.Register("")
	got := r.Redact("a ghp_secret123456 b ghp_secret123 ab")
	want := "a " + Mask + " b " + Mask + " ab"
	if got != want {
		t.Fatalf("Redact = %q, want %q", got, want)
	}
}

func TestRedactorConcurrent(t *testing.T) {
	r := NewRedactor()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s := strings.Repeat("x", 5+i)
			r.Register(s)
			if got := r.Redact(s); strings.Contains(got, s) {
				t.Errorf("not redacted after Register: %q", got)
			}
		})
	}
	wg.Wait()
}

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

func TestRedactShapes(t *testing.T) {
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
	var r *Redactor // nil: shapes only
	for _, tok := range secretShapes {
		for _, ctx := range []string{"%s", "token=%s", `{"t":"%s"}`, "https://x-access-token:%s@host/x", "(%s)", "%s\n"} {
			in := strings.Replace(ctx, "%s", tok, 1)
			out := r.Redact(in)
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
		if out := r.Redact(s); out != s {
			t.Errorf("Redact(%q) = %q, want it unchanged", s, out)
		}
	}
}

func TestRedactHeadersAndURLs(t *testing.T) {
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
		if got := (*Redactor)(nil).Redact(in); got != want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestRedactIdempotent(t *testing.T) {
	r := NewRedactor()
	r.Register("registered-secret-1")
	in := "a registered-secret-1 b Authorization: Bearer zzz " + fake("ghp_", 36, alnum)
	once := r.Redact(in)
	if twice := r.Redact(once); twice != once {
		t.Fatalf("not idempotent: %q then %q", once, twice)
	}
}

func TestWriterRedacts(t *testing.T) {
	r := NewRedactor()
	r.Register("tok-abcdef")
	var b strings.Builder
	w := NewWriter(&b, r)
	n, err := w.Write([]byte(`{"msg":"clone with tok-abcdef"}` + "\n"))
	if err != nil || n != 32 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if strings.Contains(b.String(), "tok-abcdef") || !strings.Contains(b.String(), Mask) {
		t.Fatalf("written %q", b.String())
	}
	if w.Unwrap() != &b {
		t.Fatal("Unwrap lost the writer")
	}
}

func BenchmarkRedactPlainLogLine(b *testing.B) {
	r := NewRedactor()
	for i := range 5 {
		r.Register(fake("ghp_", 36+i, alnum))
	}
	line := `{"level":"info","run_id":"r-1f2e","op_id":"o-17","op":"fetch","repo":"github.com/acme/service-api","duration_ms":312,"head":"` + fake("", 40, hexd) + `","message":"op finished"}`
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Redact(line)
	}
}

func BenchmarkRedactLineWithToken(b *testing.B) {
	r := NewRedactor()
	tok := fake("ghp_", 36, alnum)
	r.Register(tok)
	line := `{"level":"debug","message":"git -c http.extraHeader=Authorization: Basic eC1hY2Nlc3M= clone https://u:` + tok + `@github.com/acme/x"}`
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Redact(line)
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("Authorization: Bearer abc", "secret-value")
	f.Add("https://u:p@h/x", "p@h")
	f.Add(fake("ghp_", 36, alnum), "xxxx")
	f.Add(fake("", 52, base32)+" "+fake("", 40, hexd), "zzzz")
	f.Fuzz(func(t *testing.T, s, secret string) {
		r := NewRedactor()
		r.Register(secret)
		out := r.Redact(s)
		if len(secret) >= minSecretLen && !strings.Contains(Mask, secret) && strings.Contains(out, secret) {
			t.Fatalf("Redact(%q) = %q still holds registered %q", s, out, secret)
		}
		if r.Redact(out) != out && !strings.Contains(Mask, secret) {
			// A second pass may find a secret formed across a mask only
			// when the secret overlaps Mask's own text.
			t.Fatalf("not idempotent: %q -> %q -> %q", s, out, r.Redact(out))
		}
	})
}
