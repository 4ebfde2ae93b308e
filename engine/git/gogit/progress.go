package gogit

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/mgit-dev/mgit/engine/git"
)

// progressWriter turns the sideband progress stream of the remote
// ("Counting objects:  45% (45/100)\r...") into git.Progress callbacks.
// Lines end in CR (an update of the same line) or LF (the final one).
type progressWriter struct {
	fn  git.ProgressFunc
	buf []byte
}

// newProgress returns nil when there is no callback, which makes go-git
// skip the sideband progress channel entirely.
func newProgress(fn git.ProgressFunc) io.Writer {
	if fn == nil {
		return nil
	}
	return &progressWriter{fn: fn}
}

// maxPending bounds the unterminated tail kept between writes, so a remote
// that never sends a line end cannot grow memory.
const maxPending = 4096

func (w *progressWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexAny(w.buf, "\r\n")
		if i < 0 {
			break
		}
		if pr, ok := parseProgress(string(w.buf[:i])); ok {
			w.fn(pr)
		}
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > maxPending {
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

var (
	// "Receiving objects:  45% (45/100), 1.2 MiB | 3 MiB/s"
	// Compiled on first use, not in package init: init runs before every command, and most never need it.
	progressCounted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z][A-Za-z ]*?):\s+\d+%\s+\((\d+)/(\d+)\)`) })
	// "Enumerating objects: 5, done."
	progressPlain = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z][A-Za-z ]*?):\s+(\d+)\b`) })
)

// parseProgress parses one progress line; ok is false for anything else
// (remote messages, blank lines).
func parseProgress(line string) (git.Progress, bool) {
	line = strings.TrimSpace(strings.TrimPrefix(line, "remote: "))
	if m := progressCounted().FindStringSubmatch(line); m != nil {
		cur, err1 := strconv.ParseInt(m[2], 10, 64)
		tot, err2 := strconv.ParseInt(m[3], 10, 64)
		if err1 == nil && err2 == nil {
			return git.Progress{Phase: m[1], Current: cur, Total: tot}, true
		}
	}
	if m := progressPlain().FindStringSubmatch(line); m != nil {
		cur, err := strconv.ParseInt(m[2], 10, 64)
		if err == nil {
			return git.Progress{Phase: m[1], Current: cur}, true
		}
	}
	return git.Progress{}, false
}
