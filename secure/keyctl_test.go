//go:build linux

package secure

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
)

// TestKeyctlBackend runs against the real kernel keyring. Containers with
// Docker's default seccomp profile refuse keyctl; the test then skips,
// saying why.
func TestKeyctlBackend(t *testing.T) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	red := NewRedactor()
	s, err := NewStore(Options{
		Getenv:   env(map[string]string{EnvBackend: BackendKeyctl}),
		Redactor: red,
		Service:  "mgit-test-" + hex.EncodeToString(b[:]),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backend(); err != nil {
		t.Skipf("kernel keyring unusable here (probe failed): %v", err)
	}
	if _, err := s.Set("work", "keyctl-token-1"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = s.Delete("work") })
	tok, err := s.Lookup(Ref{Name: "work", Kind: "gitlab"})
	if err != nil || tok.Value != "keyctl-token-1" || tok.Source != "keyring keyctl" {
		t.Fatalf("Lookup = %v %q, %v", tok, tok.Value, err)
	}
	if _, err := s.Delete("work"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lookup(Ref{Name: "work", Kind: "gitlab"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
}
