package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeConfigMode: the README says the configuration file must be
// 0600 and quotes what mgit says of one that is not; that quote is what
// mgit prints, word for word, and the exit code is the one it names.
func TestReadmeConfigMode(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(readme)
	const rule = "The file must be mode 0600"
	i := strings.Index(doc, rule)
	if i < 0 {
		t.Fatalf("README does not say %q", rule)
	}
	block := doc[i:]
	start := strings.Index(block, "```\n")
	end := strings.Index(block[start+4:], "```")
	if start < 0 || end < 0 || !strings.Contains(block[:start], "exits 2") {
		t.Fatalf("README's rule has no quoted message or exit code:\n%s", block)
	}
	quoted := block[start+4 : start+4+end]

	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	writeFile(t, cfg, "concurrency: 4\n")
	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, map[string]string{"HOME": dir}, "--config", cfg, "status", "--no-tui", dir)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if want := strings.ReplaceAll(quoted, "/home/you/.config/mgit/config.yaml", cfg); stderr != want {
		t.Errorf("mgit says\n%s\nthe README quotes\n%s", stderr, want)
	}
}
