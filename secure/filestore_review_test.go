package secure

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLegacyFileOfAnotherNameIsRefused: today's items bind their name in
// the AEAD's associated data, so a file copied to another item's name does
// not open. Legacy (99designs JWE) items carry their name inside the
// encrypted payload, but openLegacy ignored it: token:personal renamed to
// token:work was read, and migrated, as work's token — and then sent to
// work's host.
func TestLegacyFileOfAnotherNameIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kr")
	other := writeLegacy(t, dir, "personal", "personal-token-value")
	if err := os.Rename(other, filepath.Join(dir, legacyPrefix+"work")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfg, []byte("providers: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	setMtime(t, filepath.Join(dir, legacyPrefix+"work"), now.Add(-time.Hour))
	setMtime(t, cfg, now.Add(-time.Hour+time.Second))
	s := fileStores(t, dir, &testKDF)(cfg)
	tok, err := s.Lookup(Ref{Name: "work", Kind: "github", URL: "https://github.com"})
	if err == nil && strings.Contains(tok.Value, "personal") {
		t.Fatalf("a legacy item renamed to another name was accepted: %q", tok.Value)
	}
}
