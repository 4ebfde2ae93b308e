package secure

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/99designs/keyring"
)

// scopeScenario: two configurations in one HOME and a second HOME, all
// with a provider called "work", share one keyring (as every HOME of a
// uid shares the kernel keyring and the secret service). A login under
// --config personal.yaml must not replace the default configuration's
// token, and a HOME that never logged in must find nothing.
func scopeScenario(t *testing.T, mk func(config string) *Store) {
	t.Helper()
	home1, home2 := t.TempDir(), t.TempDir()
	cfgA := filepath.Join(home1, ".config", "mgit", "config.yaml")
	cfgB := filepath.Join(home1, "personal.yaml")
	cfgC := filepath.Join(home2, ".config", "mgit", "config.yaml")
	refA := Ref{Name: "work", Kind: "github", URL: "https://ghe-a.example.com"}
	refB := Ref{Name: "work", Kind: "github", URL: "https://ghe-b.example.com"}
	a, b, c := mk(cfgA), mk(cfgB), mk(cfgC)

	if _, err := a.Set(refA, "token-of-config-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Set(refB, "token-of-config-b"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = a.Delete(refA); _, _ = b.Delete(refB) })
	want := func(s *Store, ref Ref, val string) {
		t.Helper()
		tok, err := s.Lookup(ref)
		if val == "" {
			if !errors.Is(err, ErrNotFound) || tok.Value != "" {
				t.Fatalf("Lookup(%s %s) in %s = %q, %v; want none", ref.Name, ref.URL, s.scope, tok.Value, err)
			}
			return
		}
		if err != nil || tok.Value != val {
			t.Fatalf("Lookup(%s %s) in %s = %q, %v; want %q", ref.Name, ref.URL, s.scope, tok.Value, err, val)
		}
	}
	want(a, refA, "token-of-config-a") // not replaced by b's login
	want(b, refB, "token-of-config-b")
	want(b, refA, "") // config b pointed at a's server: a's token does not follow
	want(c, refA, "") // a fresh HOME, same name and server: nothing
	want(c, refB, "")
	want(a, refB, "") // config a now pointing at b's server: b's token stays
	if _, err := b.Delete(refB); err != nil {
		t.Fatal(err)
	}
	want(a, refA, "token-of-config-a") // b's logout leaves a's token
	if _, err := c.Delete(refA); !errors.Is(err, ErrNotFound) {
		t.Fatalf("fresh HOME's Delete: %v", err)
	}
	want(a, refA, "token-of-config-a") // nor does another HOME's
}

// fileStores builds stores over one shared file-keyring directory.
func fileStores(t *testing.T, dir string, kdf *kdfParams) func(config string) *Store {
	return func(config string) *Store {
		s, err := NewStore(Options{Getenv: env(map[string]string{EnvBackend: BackendFile, EnvPassword: testPassword}),
			Redactor: NewRedactor(nil), FileDir: dir, Config: config, kdf: kdf})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}

func TestFileScopes(t *testing.T) {
	scopeScenario(t, fileStores(t, filepath.Join(t.TempDir(), "kr"), &testKDF))
}

// TestScopeResolvesRelativeAndLinkedPaths: "--config personal.yaml" from
// the file's directory and its absolute path through a symlink name one
// scope; a configuration that does not exist yet (login creates it)
// scopes the same before and after.
func TestScopeResolvesRelativeAndLinkedPaths(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	before := ScopeOf(filepath.Join(link, "sub", "config.yaml"))
	if err := os.MkdirAll(filepath.Join(real, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "sub", "config.yaml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	after := ScopeOf(filepath.Join(link, "sub", "config.yaml"))
	t.Chdir(filepath.Join(real, "sub"))
	rel := ScopeOf("config.yaml")
	if before != after || after != rel || !filepath.IsAbs(rel) {
		t.Fatalf("scopes differ: before %q, after %q, relative %q", before, after, rel)
	}
}

// TestStoredURLChecked: an item under the provider's key that holds
// another server's URL (copied, tampered with) is not used, and the error
// says to log in again.
func TestStoredURLChecked(t *testing.T) {
	s, _ := newStore(t, map[string]string{EnvBackend: BackendFile, EnvPassword: testPassword})
	ref := Ref{Name: "work", Kind: "gitlab", URL: "https://gitlab.example.com"}
	r, err := s.keyring()
	if err != nil {
		t.Fatal(err)
	}
	other := ref
	other.URL = "https://evil.example.net"
	if err := r.set(itemKey(ref, s.scope), "", newRecord(other, s.scope, "token-for-evil")); err != nil {
		t.Fatal(err)
	}
	tok, err := s.Lookup(ref)
	if !errors.Is(err, ErrTokenMismatch) || tok.Value != "" ||
		!strings.Contains(err.Error(), "saved for https://evil.example.net, not https://gitlab.example.com") ||
		!strings.Contains(err.Error(), "mgit login --name work") {
		t.Fatalf("Lookup = %q, %v", tok.Value, err)
	}
}

// writeLegacy stores token:<name> the way mgit before scoping did: with
// 99designs/keyring's file backend (PBKDF2, 8,192 rounds).
func writeLegacy(t *testing.T, dir, name, token string) string {
	t.Helper()
	return writeLegacyPW(t, dir, name, token, testPassword)
}

func writeLegacyPW(t *testing.T, dir, name, token, password string) string {
	t.Helper()
	kr, err := keyring.Open(keyring.Config{
		ServiceName: "mgit", AllowedBackends: []keyring.BackendType{keyring.FileBackend}, FileDir: dir,
		FilePasswordFunc: func(string) (string, error) { return password, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := kr.Set(keyring.Item{Key: legacyPrefix + name, Data: []byte(token), Label: "mgit token:" + name}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, legacyPrefix+name)
}

func setMtime(t *testing.T, p string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
}

// TestLegacyFileMigrated: a token:work file written before the
// configuration was last saved is this configuration's: it is read once,
// re-encrypted under the scoped key with Argon2id, and the old file goes.
func TestLegacyFileMigrated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kr")
	legacy := writeLegacy(t, dir, "work", "legacy-token-value")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("providers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	setMtime(t, legacy, now.Add(-time.Hour))
	setMtime(t, cfg, now.Add(-time.Hour+time.Second))
	var events []string
	mk := fileStores(t, dir, &testKDF)
	s := mk(cfg)
	s.audit = func(ev AuditEvent) { events = append(events, ev.Action) }
	ref := Ref{Name: "work", Kind: "github", URL: "https://github.com"}
	tok, err := s.Lookup(ref)
	if err != nil || tok.Value != "legacy-token-value" {
		t.Fatalf("Lookup = %q, %v", tok.Value, err)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Fatalf("legacy file still there: %v", err)
	}
	if strings.Join(events, ",") != AuditCredentialMigrate+","+AuditCredentialRead {
		t.Fatalf("audit events %v", events)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	data, _ := os.ReadFile(files[0])
	if !bytes.HasPrefix(data, []byte(`{"v":2,"kdf":"argon2id"`)) || bytes.Contains(data, []byte("legacy-token-value")) {
		t.Fatalf("migrated file: %s", data)
	}
	// Another process reads the scoped item.
	if tok, err := mk(cfg).Lookup(ref); err != nil || tok.Value != "legacy-token-value" {
		t.Fatalf("second Lookup = %q, %v", tok.Value, err)
	}
	// Another configuration in the same HOME finds nothing.
	if _, err := mk(filepath.Join(t.TempDir(), "personal.yaml")).Lookup(ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other configuration: %v", err)
	}
}

// TestLegacyFileNewerThanConfigNotUsed: the case. A login under
// --config personal.yaml overwrote token:work after the default
// configuration was saved; the default configuration must not adopt it.
func TestLegacyFileNewerThanConfigNotUsed(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kr")
	legacy := writeLegacy(t, dir, "work", "personal-token-value")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("providers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	setMtime(t, cfg, now.Add(-2*time.Hour))
	setMtime(t, legacy, now.Add(-time.Hour))
	s := fileStores(t, dir, &testKDF)(cfg)
	ref := Ref{Name: "work", Kind: "github", URL: "https://ghe.example.com"}
	tok, err := s.Lookup(ref)
	var le *LegacyItemError
	if !errors.As(err, &le) || !errors.Is(err, ErrNotFound) || tok.Value != "" || !strings.Contains(err.Error(), "mgit login --name work") {
		t.Fatalf("Lookup = %q, %v", tok.Value, err)
	}
	// Left in place with its age (re-encrypted with today's work factor).
	fi, err := os.Stat(legacy)
	if err != nil || !fi.ModTime().Equal(now.Add(-time.Hour)) {
		t.Fatalf("legacy file %v, %v", fi, err)
	}
	if data, _ := os.ReadFile(legacy); !bytes.HasPrefix(data, []byte(`{"v":2`)) {
		t.Fatalf("legacy file not re-encrypted: %.40s", data)
	}
	if _, err := s.Delete(ref); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Fatalf("legacy file after Delete: %v", err)
	}
}

// TestPasswordPolicy: a short password is refused with the rule.
func TestPasswordPolicy(t *testing.T) {
	for _, pw := range []string{"x", "elevenchars"} {
		s, _ := newStore(t, map[string]string{EnvBackend: BackendFile, EnvPassword: pw})
		_, err := s.Set(Ref{Name: "work", Kind: "github"}, "tok-abcdef")
		if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "at least 12") {
			t.Fatalf("password %q: %v", pw, err)
		}
	}
	s, _ := newStore(t, map[string]string{EnvBackend: BackendFile, EnvPassword: "twelve chars"})
	if _, err := s.Set(Ref{Name: "work", Kind: "github"}, "tok-abcdef"); err != nil {
		t.Fatalf("12 characters: %v", err)
	}
}

// TestDefaultWorkFactor: production stores derive the file key with
// Argon2id at OWASP's recommendation at least, and say so in the file.
func TestDefaultWorkFactor(t *testing.T) {
	if defaultKDF.MemoryKiB < 19*1024 || defaultKDF.Time < 2 || defaultKDF.Threads < 1 {
		t.Fatalf("default %+v is below OWASP's Argon2id minimum (19 MiB, t=2, p=1)", defaultKDF)
	}
	dir := filepath.Join(t.TempDir(), "kr")
	s := fileStores(t, dir, nil)(filepath.Join(dir, "config.yaml"))
	if s.kdf != defaultKDF {
		t.Fatalf("store kdf %+v", s.kdf)
	}
	if _, err := s.Set(Ref{Name: "w", Kind: "gitea", URL: "https://g.example"}, "tok-abcdef"); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	data, _ := os.ReadFile(files[0])
	if !bytes.Contains(data, []byte(`"t":2,"m":19456,"p":1`)) {
		t.Fatalf("file does not record the default parameters: %s", data)
	}
}

// TestRenamedFileDoesNotOpen: the ciphertext is bound to its item's key.
func TestRenamedFileDoesNotOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kr")
	s := fileStores(t, dir, &testKDF)(filepath.Join(dir, "c.yaml"))
	a := Ref{Name: "a", Kind: "gitea", URL: "https://a.example"}
	b := Ref{Name: "b", Kind: "gitea", URL: "https://b.example"}
	if _, err := s.Set(a, "token-of-a"); err != nil {
		t.Fatal(err)
	}
	fs := s.ring.(*fileStore)
	if err := os.Rename(fs.path(itemKey(a, s.scope)), fs.path(itemKey(b, s.scope))); err != nil {
		t.Fatal(err)
	}
	if tok, err := s.Lookup(b); err == nil || tok.Value != "" {
		t.Fatalf("renamed file opened as b: %q, %v", tok.Value, err)
	}
}

// TestPasswordChange: an older keyring kept under a one-character password
// is refused with the rule, and read once with the old password in
// MGIT_KEYRING_OLD_PASSWORD: its items are re-encrypted under the new one.
func TestPasswordChange(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kr")
	legacy := writeLegacyPW(t, dir, "work", "token-under-short-pw", "x")
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	setMtime(t, legacy, time.Now().Add(-time.Hour))
	mk := func(m map[string]string) *Store {
		m[EnvBackend] = BackendFile
		s, err := NewStore(Options{Getenv: env(m), Redactor: NewRedactor(nil), FileDir: dir, Config: cfg, kdf: &testKDF})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ref := Ref{Name: "work", Kind: "github", URL: "https://github.com"}
	_, err := mk(map[string]string{EnvPassword: "x"}).Lookup(ref)
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "at least 12") || !strings.Contains(err.Error(), EnvOldPassword) {
		t.Fatalf("short password: %v", err)
	}
	_, err = mk(map[string]string{EnvPassword: "a much longer passphrase"}).Lookup(ref)
	if !errors.Is(err, ErrWrongPassword) || !strings.Contains(err.Error(), EnvOldPassword) {
		t.Fatalf("new password alone: %v", err)
	}
	tok, err := mk(map[string]string{EnvPassword: "a much longer passphrase", EnvOldPassword: "x"}).Lookup(ref)
	if err != nil || tok.Value != "token-under-short-pw" {
		t.Fatalf("with the old password: %q, %v", tok.Value, err)
	}
	if tok, err := mk(map[string]string{EnvPassword: "a much longer passphrase"}).Lookup(ref); err != nil || tok.Value != "token-under-short-pw" {
		t.Fatalf("new password after the change: %q, %v", tok.Value, err)
	}
}

// TestKeyringPasswordRedacted: the password that opens every token is
// masked like one.
func TestKeyringPasswordRedacted(t *testing.T) {
	s, red := newStore(t, map[string]string{EnvBackend: BackendFile, EnvPassword: testPassword})
	if _, err := s.Backend(); err != nil {
		t.Fatal(err)
	}
	if red.Redact("pw is "+testPassword) != "pw is "+Mask {
		t.Fatal("keyring password not registered with the redactor")
	}
}
