//go:build linux

package secure

import (
	"errors"
	"testing"
)

// TestKeyctlBackend runs against the real kernel keyring. Containers with
// Docker's default seccomp profile refuse keyctl; the test then skips,
// saying why. Its keyring is unlinked afterwards: before, every run left
// an empty mgit-test-* keyring in the user's kernel keyring.
func TestKeyctlBackend(t *testing.T) {
	var service string
	t.Run("roundtrip", func(t *testing.T) {
		service = testService(t)
		s, err := NewStore(Options{
			Getenv:   env(map[string]string{EnvBackend: BackendKeyctl}),
			Redactor: NewRedactor(nil),
			Service:  service,
			Config:   "/home/a/.config/mgit/config.yaml",
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Backend(); err != nil {
			t.Skipf("kernel keyring unusable here (probe failed): %v", err)
		}
		ref := Ref{Name: "work", Kind: "gitlab", URL: "https://gitlab.example.com"}
		if _, err := s.Set(ref, "keyctl-token-1"); err != nil {
			t.Fatal(err)
		}
		tok, err := s.Lookup(ref)
		if err != nil || tok.Value != "keyctl-token-1" || tok.Source != "keyring keyctl" {
			t.Fatalf("Lookup = %v %q, %v", tok, tok.Value, err)
		}
		if _, err := s.Delete(ref); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Lookup(ref); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after Delete: %v", err)
		}
	})
	if service != "" && keyringLinked(service) {
		t.Fatalf("keyring %s is still linked into the user keyring after the test", service)
	}
}

// TestKeyctlScopes: the kernel keyring is one per uid, shared by every
// HOME and configuration; items are scoped anyway.
func TestKeyctlScopes(t *testing.T) {
	service := testService(t)
	mk := func(config string) *Store {
		s, err := NewStore(Options{Getenv: env(map[string]string{EnvBackend: BackendKeyctl}), Redactor: NewRedactor(nil), Service: service, Config: config})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Backend(); err != nil {
			t.Skipf("kernel keyring unusable here (probe failed): %v", err)
		}
		return s
	}
	scopeScenario(t, mk)
}

// TestKeyctlLegacyItemNotUsed: an item an older mgit stored as token:work
// in the shared kernel keyring may be any HOME's or configuration's; it is
// neither used nor moved, and the error says to log in again.
func TestKeyctlLegacyItemNotUsed(t *testing.T) {
	service := testService(t)
	s, err := NewStore(Options{Getenv: env(map[string]string{EnvBackend: BackendKeyctl}), Redactor: NewRedactor(nil), Service: service, Config: t.TempDir() + "/config.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.keyring()
	if err != nil {
		t.Skipf("kernel keyring unusable here (probe failed): %v", err)
	}
	if err := r.set(legacyPrefix+"work", "", []byte("other-homes-token")); err != nil {
		t.Fatal(err)
	}
	ref := Ref{Name: "work", Kind: "github", URL: "https://github.com"}
	tok, err := s.Lookup(ref)
	var le *LegacyItemError
	if !errors.As(err, &le) || !errors.Is(err, ErrNotFound) || tok.Value != "" {
		t.Fatalf("Lookup = %q, %v; want a LegacyItemError", tok.Value, err)
	}
	if _, err := r.get(legacyPrefix + "work"); err != nil {
		t.Fatalf("legacy item was touched: %v", err)
	}
	// logout deletes it.
	if _, err := s.Delete(ref); err != nil {
		t.Fatal(err)
	}
	if _, err := r.get(legacyPrefix + "work"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("legacy item after Delete: %v", err)
	}
}
