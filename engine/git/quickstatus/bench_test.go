package quickstatus

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRead5000 is Read on a clean clone of 5,000 files in 50
// directories with a few ignore patterns and ignored files: the per-file
// cost of the stat comparison and the ignore matching.
func BenchmarkRead5000(b *testing.B) {
	isolate(b)
	dir := filepath.Join(b.TempDir(), "big")
	run(b, "", "init", "-q", dir)
	old := time.Now().Add(-time.Hour)
	for d := range 50 {
		for f := range 100 {
			p := filepath.Join(dir, fmt.Sprintf("dir%02d", d), fmt.Sprintf("file%03d.go", f))
			if f == 0 {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					b.Fatal(err)
				}
			}
			if err := os.WriteFile(p, []byte("package x\n"), 0o644); err != nil {
				b.Fatal(err)
			}
			// Older than the index git writes next, so not racily clean:
			// the steady state of a work tree nobody just wrote.
			if err := os.Chtimes(p, old, old); err != nil {
				b.Fatal(err)
			}
		}
	}
	write(b, dir, ".gitignore", "*.log\n/build/\n**/tmp/\n[Tt]humbs.db\n!keep.log\n")
	run(b, dir, "add", "-A")
	run(b, dir, "commit", "-qm", "big")
	for d := range 50 {
		write(b, dir, fmt.Sprintf("dir%02d/debug.log", d), "x\n")
	}
	write(b, dir, "build/out.bin", "x\n")
	run(b, dir, "status", "--porcelain")
	if _, err := Read(dir); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(dir); err != nil {
			b.Fatal(err)
		}
	}
}
