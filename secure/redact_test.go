package secure

import (
	"strings"
	"sync"
	"testing"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor(nil)
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
	r := NewRedactor(nil)
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

// tok is a token-shaped value of n characters built at run time, so no
// scanner flags this file (the shapes themselves are tested in
// engine/redact).
func tok(prefix string, n int) string { return prefix + strings.Repeat("x7Q", n/3+1)[:n] }

// The shapes function given to NewRedactor masks after the registered
// values (mgit gives engine/redact.Text; its tests cover the shapes).
func TestRedactorUsesShapes(t *testing.T) {
	r := NewRedactor(func(s string) string { return strings.ReplaceAll(s, "shape", Mask) })
	r.Register("registered")
	if got, want := r.Redact("a registered shape b"), "a "+Mask+" "+Mask+" b"; got != want {
		t.Fatalf("Redact = %q, want %q", got, want)
	}
}

// Without a shapes function the Redactor is coarse, never a pass-through:
// long token-like words and URLs with user information go.
func TestRedactorFallbackMasks(t *testing.T) {
	for _, r := range []*Redactor{nil, NewRedactor(nil)} {
		for _, tok := range []string{tok("ghp_", 36), tok("", 52), "ssh://git:pw@h/x"} {
			in := "token " + tok + " end"
			if got := r.Redact(in); strings.Contains(got, tok) || got != "token "+Mask+" end" {
				t.Errorf("fallback Redact(%q) = %q", in, got)
			}
		}
		if got := r.Redact("short words stay"); got != "short words stay" {
			t.Errorf("fallback masked prose: %q", got)
		}
	}
}

func TestRedactIdempotent(t *testing.T) {
	r := NewRedactor(nil)
	r.Register("registered-secret-1")
	in := "a registered-secret-1 b Authorization: Bearer zzz " + tok("ghp_", 36)
	once := r.Redact(in)
	if twice := r.Redact(once); twice != once {
		t.Fatalf("not idempotent: %q then %q", once, twice)
	}
}

func TestWriterRedacts(t *testing.T) {
	r := NewRedactor(nil)
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
	r := NewRedactor(nil)
	for i := range 5 {
		r.Register(tok("ghp_", 36+i))
	}
	line := `{"level":"info","run_id":"r-1f2e","op_id":"o-17","op":"fetch","repo":"github.com/acme/service-api","duration_ms":312,"head":"` + strings.Repeat("3a18f6d4", 5) + `","message":"op finished"}`
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		_ = r.Redact(line)
	}
}

func BenchmarkRedactLineWithToken(b *testing.B) {
	r := NewRedactor(nil)
	tok := tok("ghp_", 36)
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
	f.Add(tok("ghp_", 36), "xxxx")
	f.Add(tok("", 52)+" "+strings.Repeat("3a18f6d4", 5), "zzzz")
	f.Fuzz(func(t *testing.T, s, secret string) {
		r := NewRedactor(nil)
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
