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
