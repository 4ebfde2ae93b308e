package secure

import (
	"bytes"
	"io"
	"os"
	"sync"
)

// MaxHeldLine is how much of an unfinished line a line-buffered Writer
// holds before it redacts and writes it anyway: output without newlines
// (a progress bar, a binary blob) must not grow memory without bound. A
// token split exactly at this boundary is not recognised; tokens are far
// shorter than a line of that size, so only text built to defeat the
// redactor ends up there.
const MaxHeldLine = 64 << 10

// Writer redacts what is written through it (see Redactor.Redact) before
// passing it on. Logs, NDJSON and text output are written through one, so a
// token reaches none of them even when a message or a server's answer
// carries it.
//
// On a terminal every Write is redacted and passed on at once: prompts and
// the dashboard must appear as they are written. Everywhere else (pipes,
// files, buffers) the Writer is line-buffered: it holds an unfinished line
// until its newline arrives, so a token written in two pieces (a
// formatter's two calls, a text stream's chunks) is redacted whole. At most
// MaxHeldLine bytes are held. Flush (or Close) writes what is held; call it
// before the process exits.
//
// It is safe for concurrent use: writes are serialised, and each reaches
// the underlying writer whole and in order.
type Writer struct {
	w        io.Writer
	r        *Redactor
	buffered bool

	mu  sync.Mutex
	buf []byte // the unfinished line, not yet redacted
}

// NewWriter returns a Writer that redacts with r (nil: shapes only) and
// writes to w: line-buffered unless w (or the writer it wraps, see Unwrap)
// is a terminal.
func NewWriter(w io.Writer, r *Redactor) *Writer {
	return &Writer{w: w, r: r, buffered: !isTerminal(w)}
}

// Write redacts p and writes the result, holding back an unfinished last
// line when line-buffered. It reports len(p) on success, as io.Writer
// requires, although the bytes written may differ in length.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.buffered {
		if _, err := w.w.Write(w.r.RedactBytes(p)); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	// The common case — whole lines per call (zerolog, encoding/json,
	// Fprintln) and nothing held — goes through without copying.
	if len(w.buf) == 0 && len(p) > 0 && p[len(p)-1] == '\n' {
		if _, err := w.w.Write(w.r.RedactBytes(p)); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	end := bytes.LastIndexByte(w.buf, '\n') + 1
	if len(w.buf)-end > MaxHeldLine {
		end = len(w.buf)
	}
	if end == 0 {
		return len(p), nil
	}
	err := w.writeHeld(end)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeHeld redacts and writes buf[:n] and keeps the rest. The caller
// holds mu.
func (w *Writer) writeHeld(n int) error {
	out := w.r.RedactBytes(w.buf[:n])
	_, err := w.w.Write(out)
	rest := copy(w.buf, w.buf[n:])
	w.buf = w.buf[:rest]
	if cap(w.buf) > 2*MaxHeldLine && rest < MaxHeldLine {
		// One huge line must not pin its buffer for the process' life.
		w.buf = append([]byte(nil), w.buf...)
	}
	return err
}

// Flush redacts and writes the unfinished line held, if any.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	return w.writeHeld(len(w.buf))
}

// Close flushes, then closes the underlying writer if it is an io.Closer.
// Writers over os.Stdout and os.Stderr should be flushed, not closed.
func (w *Writer) Close() error {
	err := w.Flush()
	if c, ok := w.w.(io.Closer); ok {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Unwrap returns the underlying writer (so a caller can still find out
// whether output goes to a terminal).
func (w *Writer) Unwrap() io.Writer { return w.w }

// isTerminal reports whether w, or a writer it wraps, is a character
// device.
func isTerminal(w io.Writer) bool {
	for {
		switch v := w.(type) {
		case *os.File:
			fi, err := v.Stat()
			return err == nil && fi.Mode()&os.ModeCharDevice != 0
		case interface{ Unwrap() io.Writer }:
			w = v.Unwrap()
		default:
			return false
		}
	}
}
