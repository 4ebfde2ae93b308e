package secure

import "io"

// Writer redacts what is written through it (see Redactor.Redact) before
// passing it on. Logs, NDJSON and text output are written through one, so a
// token reaches none of them even when a message or a server's answer
// carries it.
//
// Each Write is redacted on its own: callers that write whole records per
// call (zerolog writes one event per Write, encoding/json one value per
// Encode) are covered completely; a secret split across two Writes is not
// recognised. It is safe for concurrent use when the underlying writer is.
type Writer struct {
	w io.Writer
	r *Redactor
}

// NewWriter returns a Writer that redacts with r (nil: shapes only) and
// writes to w.
func NewWriter(w io.Writer, r *Redactor) *Writer { return &Writer{w: w, r: r} }

// Write redacts p and writes the result. It reports len(p) on success, as
// io.Writer requires, although the bytes written may differ in length.
func (w *Writer) Write(p []byte) (int, error) {
	if _, err := w.w.Write(w.r.RedactBytes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the underlying writer (so a caller can still find out
// whether output goes to a terminal).
func (w *Writer) Unwrap() io.Writer { return w.w }
