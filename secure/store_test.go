package secure

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// env is an injected environment.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// testKDF keeps the file keyring fast in tests; TestDefaultWorkFactor
// checks the production default.
var testKDF = kdfParams{Time: 1, MemoryKiB: 64, Threads: 1}

// testPassword passes the password policy.
const testPassword = "correct horse battery"

func newStore(t *testing.T, m map[string]string) (*Store, *Redactor) {
	t.Helper()
	red := NewRedactor(nil)
	s, err := NewStore(Options{Getenv: env(m), Redactor: red, Service: testService(t), FileDir: filepath.Join(t.TempDir(), "keyring"), kdf: &testKDF})
	if err != nil {
		t.Fatal(err)
	}
	return s, red
}

func TestEnvName(t *testing.T) {
	for in, want := range map[string]string{
		"work":        "MGIT_TOKEN_WORK",
		"work-github": "MGIT_TOKEN_WORK_GITHUB",
		"ado.prod_2":  "MGIT_TOKEN_ADO_PROD_2",
	} {
		if got := EnvName(in); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLookupOrder(t *testing.T) {
	ref := Ref{Name: "work", Kind: "github", URL: "https://github.com", TokenEnv: []string{"GITHUB_TOKEN", "GH_TOKEN"}}
	m := map[string]string{EnvBackend: BackendFile, EnvPassword: testPassword}
	s, red := newStore(t, m)
	if _, err := s.Set(ref, "from-keyring-token"); err != nil {
		t.Fatal(err)
	}
	check := func(wantVal, wantSource string) {
		t.Helper()
		tok, err := s.Lookup(ref)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Value != wantVal || tok.Source != wantSource {
			t.Fatalf("Lookup = %q from %q, want %q from %q", tok.Value, tok.Source, wantVal, wantSource)
		}
		if red.Redact(tok.Value) != Mask {
			t.Fatalf("token %s not registered with the redactor", tok.Source)
		}
	}
	check("from-keyring-token", "keyring file")
	m["GH_TOKEN"] = "from-gh-token"
	check("from-gh-token", "env GH_TOKEN")
	m["GITHUB_TOKEN"] = "from-github-token"
	check("from-github-token", "env GITHUB_TOKEN")
	m["MGIT_TOKEN_WORK"] = "from-mgit-token"
	check("from-mgit-token", "env MGIT_TOKEN_WORK")
}

// TestConventionalEnvOnlyThoseNamed: the store reads the conventional
// variables its caller names for a provider and no other (the caller names
// none of github.com's for GitHub Enterprise).
func TestConventionalEnvOnlyThoseNamed(t *testing.T) {
	s, _ := newStore(t, map[string]string{EnvBackend: BackendEnv, "GITHUB_TOKEN": "dotcom-token"})
	_, err := s.Lookup(Ref{Name: "ghe", Kind: "github", TokenEnv: []string{"GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"}})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("GHE provider got github.com's GITHUB_TOKEN: err = %v", err)
	}
	if !strings.Contains(err.Error(), "GH_ENTERPRISE_TOKEN") {
		t.Fatalf("error does not list where it looked: %v", err)
	}
}

func TestFileBackendRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keyring")
	red := NewRedactor(nil)
	opts := Options{Getenv: env(map[string]string{EnvBackend: BackendFile, EnvPassword: testPassword}), Redactor: red, FileDir: dir, kdf: &testKDF}
	s, _ := NewStore(opts)
	ref := Ref{Name: "work", Kind: "gitea", URL: "https://gitea.example.com"}
	b, err := s.Set(ref, "tok-abcdef")
	if err != nil || b != BackendFile {
		t.Fatalf("Set = %q, %v", b, err)
	}
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("keyring dir mode %v, %v", fi.Mode(), err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("files after Set (probe item must be gone): %v", files)
	}
	data, _ := os.ReadFile(files[0])
	if strings.Contains(string(data), "tok-abcdef") {
		t.Fatal("file backend stored the token in clear")
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Fatalf("item mode %v", fi.Mode())
	}
	// A second store (another process) reads it back.
	s2, _ := NewStore(opts)
	if tok, err := s2.Lookup(ref); err != nil || tok.Value != "tok-abcdef" {
		t.Fatalf("Lookup = %v, %v", tok, err)
	}
	// A wrong password fails with a cause that says what to do, not
	// "aes.KeyUnwrap(): integrity check failed".
	opts.Getenv = env(map[string]string{EnvBackend: BackendFile, EnvPassword: "the wrong password"})
	s3, _ := NewStore(opts)
	_, err = s3.Lookup(ref)
	if !errors.Is(err, ErrWrongPassword) || errors.Is(err, ErrNotFound) ||
		!strings.Contains(err.Error(), "the keyring password in "+EnvPassword+" does not open "+files[0]) {
		t.Fatalf("wrong password: err = %v", err)
	}
	if _, err := s2.Delete(ref); err != nil {
		t.Fatal(err)
	}
	if _, err := s2.Delete(ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
	if _, err := s2.Lookup(ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
}

func TestFileBackendNeedsPassword(t *testing.T) {
	s, _ := newStore(t, map[string]string{EnvBackend: BackendFile})
	_, err := s.Set(Ref{Name: "work", Kind: "github"}, "tok-abcdef")
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), EnvPassword+" is not set") {
		t.Fatalf("err = %v", err)
	}
}

func TestChainReportsEveryCause(t *testing.T) {
	// No D-Bus, no password: the chain may still find keyctl; when it does
	// not, every backend's cause is in the error.
	s, _ := newStore(t, map[string]string{"HOME": t.TempDir()})
	b, err := s.Backend()
	if err == nil {
		if b != BackendKeyctl && b != BackendSecretService {
			t.Fatalf("backend %q without a password", b)
		}
		t.Logf("chain chose %s", b)
		return
	}
	for _, want := range []string{BackendSecretService + ":", BackendKeyctl + ":", BackendFile + ": " + EnvPassword} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestUnknownBackend(t *testing.T) {
	_, err := NewStore(Options{Getenv: env(map[string]string{EnvBackend: "wallet"}), Redactor: NewRedactor(nil)})
	if err == nil || !strings.Contains(err.Error(), "keyctl") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnvBackendStoresNothing(t *testing.T) {
	s, _ := newStore(t, map[string]string{EnvBackend: BackendEnv})
	if _, err := s.Set(Ref{Name: "work", Kind: "github"}, "tok-abcdef"); err == nil || !strings.Contains(err.Error(), "MGIT_TOKEN_WORK") {
		t.Fatalf("Set with env backend: %v", err)
	}
}

func TestTokenStringHidesValue(t *testing.T) {
	tok := Token{Value: "tok-abcdef", Source: "env X"}
	for _, s := range []string{tok.String(), tok.GoString()} {
		if strings.Contains(s, "tok-abcdef") {
			t.Fatalf("%q shows the value", s)
		}
	}
}
