package secure

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestWriterSplitToken: a token written in two halves, in the middle of a
// line, is masked once the line is complete; nothing of it is written
// before then.
func TestWriterSplitToken(t *testing.T) {
	r := NewRedactor(nil)
	const secret = "registered-Secret-0123456789"
	r.Register(secret)
	shape := "ghp_" + strings.Repeat("a1B2", 9) // never registered
	for _, tok := range []string{secret, shape} {
		var b bytes.Buffer
		w := NewWriter(&b, r)
		half := len(tok) / 2
		for _, part := range []string{"first line\nclone with ", tok[:half], tok[half:], " failed\nnext"} {
			if n, err := w.Write([]byte(part)); err != nil || n != len(part) {
				t.Fatalf("Write(%q) = %d, %v", part, n, err)
			}
			if strings.Contains(b.String(), tok[:half]) || strings.Contains(b.String(), tok[half:]) {
				t.Fatalf("a half of the token was written before its line ended: %q", b.String())
			}
		}
		if got := b.String(); got != "first line\nclone with "+Mask+" failed\n" {
			t.Fatalf("written %q", got)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := b.String(); !strings.HasSuffix(got, "failed\nnext") {
			t.Fatalf("Flush did not write the held line: %q", got)
		}
	}
}

// TestWriterHeldLineIsCapped: a line without a newline is written once it
// exceeds MaxHeldLine, and the held bytes never exceed the cap.
func TestWriterHeldLineIsCapped(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, nil)
	chunk := bytes.Repeat([]byte("x"), 4096)
	for written := 0; written <= MaxHeldLine; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if b.Len() == 0 {
		t.Fatalf("nothing written after %d bytes without a newline", MaxHeldLine+len(chunk))
	}
	w.mu.Lock()
	held := len(w.buf)
	w.mu.Unlock()
	if held > MaxHeldLine {
		t.Fatalf("holds %d bytes, cap %d", held, MaxHeldLine)
	}
}

// TestWriterConcurrentLines: lines written from many goroutines, some
// in two pieces under a lock of their own, arrive whole (never
// interleaved inside a line) and redacted.
func TestWriterConcurrentLines(t *testing.T) {
	r := NewRedactor(nil)
	r.Register("concurrent-secret")
	var b bytes.Buffer
	w := NewWriter(&b, r)
	var wg sync.WaitGroup
	const goroutines, each = 8, 200
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				line := fmt.Sprintf("g%d line %d concurrent-secret\n", g, i)
				if _, err := w.Write([]byte(line)); err != nil {
					t.Error(err)
					return
				}
				if i%50 == 0 {
					_ = w.Flush() // flushing alongside writers is safe
				}
			}
		})
	}
	wg.Wait()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != goroutines*each {
		t.Fatalf("%d lines, want %d", len(lines), goroutines*each)
	}
	re := regexp.MustCompile(`^g[0-7] line [0-9]+ ` + regexp.QuoteMeta(Mask) + `$`)
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Fatalf("line %q is torn or not redacted", l)
		}
	}
}

// TestWriterTerminalPassesThrough: on a terminal a Write is redacted and
// passed on at once (a prompt without a newline shows immediately).
func TestWriterTerminalPassesThrough(t *testing.T) {
	var b bytes.Buffer
	if w := NewWriter(NewWriter(&b, nil), nil); !w.buffered {
		t.Fatal("a buffer is not line-buffered")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	// /dev/null is a character device like a terminal, and is found
	// through a wrapper.
	if w := NewWriter(NewWriter(null, nil), nil); w.buffered {
		t.Fatal("a character device (through a wrapper) is line-buffered")
	}
	if n, err := NewWriter(null, nil).Write([]byte("prompt: ")); err != nil || n != 8 {
		t.Fatalf("Write = %d, %v", n, err)
	}
}

type failWriter struct{ closed bool }

var errWrite = errors.New("broken pipe")

func (f *failWriter) Write([]byte) (int, error) { return 0, errWrite }
func (f *failWriter) Close() error              { f.closed = true; return nil }

// TestWriterErrorsAndClose: a failing underlying writer is reported by
// Write and Flush; Close flushes and closes it.
func TestWriterErrorsAndClose(t *testing.T) {
	f := &failWriter{}
	w := NewWriter(f, nil)
	if _, err := w.Write([]byte("whole line\n")); !errors.Is(err, errWrite) {
		t.Fatalf("Write error %v", err)
	}
	if _, err := w.Write([]byte("partial")); err != nil {
		t.Fatalf("a held partial line failed: %v", err)
	}
	if err := w.Close(); !errors.Is(err, errWrite) || !f.closed {
		t.Fatalf("Close = %v, closed %v", err, f.closed)
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("Flush after a failed flush: %v (the held line is dropped, not retried)", err)
	}
}
