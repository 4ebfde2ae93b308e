package secure

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckPrivateFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "my config.yaml")
	if err := CheckPrivateFile(p); err != nil {
		t.Fatalf("missing file: %v", err)
	}
	if err := os.WriteFile(p, []byte("x: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := CheckPrivateFile(p); err != nil {
		t.Fatalf("0600: %v", err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		err := CheckPrivateFile(p)
		if !errors.Is(err, ErrPermissions) {
			t.Fatalf("mode %o: %v", mode, err)
		}
		if want := "chmod 600 '" + p + "'"; !strings.Contains(err.Error(), want) {
			t.Fatalf("mode %o: %q lacks %q", mode, err, want)
		}
	}
}

func TestEnsurePrivateDirAndAppend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := EnsurePrivateDir(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", fi.Mode())
	}
	p := filepath.Join(t.TempDir(), "new", "audit.log")
	f, err := OpenPrivateAppend(p)
	if err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	fi, _ := os.Stat(p)
	di, _ := os.Stat(filepath.Dir(p))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Fatalf("file %v, dir %v", fi.Mode(), di.Mode())
	}
}

func TestStoreAudits(t *testing.T) {
	var got []AuditEvent
	red := NewRedactor(nil)
	s, err := NewStore(Options{
		Getenv:   env(map[string]string{EnvBackend: BackendFile, EnvPassword: testPassword, "GITLAB_TOKEN": "glab-token-value"}),
		Redactor: red, FileDir: filepath.Join(t.TempDir(), "kr"), kdf: &testKDF,
		Audit: func(ev AuditEvent) { got = append(got, ev) },
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.Lookup(Ref{Name: "lab", Kind: "gitlab", TokenEnv: []string{"GITLAB_TOKEN"}})
	work := Ref{Name: "work", Kind: "github"}
	_, _ = s.Set(work, "stored-token-value")
	_, _ = s.Delete(work)
	_, _ = s.Delete(work)
	want := []string{
		AuditCredentialRead + " lab env GITLAB_TOKEN ok",
		AuditCredentialWrite + " work keyring file ok",
		AuditCredentialDelete + " work keyring file ok",
		AuditCredentialDelete + " work keyring file failed",
	}
	if len(got) != len(want) {
		t.Fatalf("events %+v", got)
	}
	for i, ev := range got {
		res := "ok"
		if ev.Err != nil {
			res = "failed"
		}
		if s := ev.Action + " " + ev.Provider + " " + ev.Source + " " + res; s != want[i] {
			t.Errorf("event %d = %q, want %q", i, s, want[i])
		}
		if ev.Err != nil && strings.Contains(ev.Err.Error(), "stored-token-value") {
			t.Errorf("event carries the token: %v", ev.Err)
		}
	}
}
