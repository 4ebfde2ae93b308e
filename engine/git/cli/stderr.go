package cli

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mgit-dev/mgit/engine/git"
)

const (
	// maxKept bounds the stderr kept for classification; a chatty remote
	// cannot make us hold megabytes per repository.
	maxKept = 32 << 10
	// tailLines are kept after the cap is hit: git prints its fatal line
	// last.
	tailLines = 16
	// maxLine bounds one line without a line ending.
	maxLine = 4 << 10
)

// stderrSink receives git's stderr. --progress output is a stream of
// CR-terminated updates ("Receiving objects:  45% (45/100)\r"); those become
// Progress callbacks and are not kept. Every other line is kept, up to
// maxKept bytes plus the last tailLines lines.
type stderrSink struct {
	progress git.ProgressFunc

	mu      sync.Mutex
	partial []byte
	kept    strings.Builder
	over    bool
	tail    []string
	last    git.Progress
}

func newStderrSink(p git.ProgressFunc) *stderrSink {
	return &stderrSink{progress: p}
}

func (s *stderrSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range p {
		if c == '\r' || c == '\n' {
			s.line(string(s.partial))
			s.partial = s.partial[:0]
			continue
		}
		s.partial = append(s.partial, c)
		if len(s.partial) >= maxLine {
			s.line(string(s.partial))
			s.partial = s.partial[:0]
		}
	}
	return len(p), nil
}

// flush handles a last line without a line ending.
func (s *stderrSink) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.partial) > 0 {
		s.line(string(s.partial))
		s.partial = nil
	}
}

func (s *stderrSink) line(l string) {
	if l == "" {
		return
	}
	if p, ok := parseProgress(l); ok {
		if s.progress != nil && p != s.last {
			s.last = p
			s.progress(p)
		}
		return
	}
	if !s.over && s.kept.Len()+len(l)+1 <= maxKept {
		s.kept.WriteString(l)
		s.kept.WriteByte('\n')
		return
	}
	s.over = true
	if len(s.tail) == tailLines {
		copy(s.tail, s.tail[1:])
		s.tail = s.tail[:tailLines-1]
	}
	s.tail = append(s.tail, l)
}

// String returns the kept lines.
func (s *stderrSink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.over {
		return s.kept.String()
	}
	return s.kept.String() + "[…]\n" + strings.Join(s.tail, "\n") + "\n"
}

var (
	// Compiled on first use, not in package init: init runs before every command, and most never need it.
	progressPct = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([A-Za-z][A-Za-z ]*[A-Za-z]):\s+\d+%\s+\((\d+)/(\d+)\)`)
	})
	progressCount = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z][A-Za-z ]*[A-Za-z]):\s+(\d+)(?:,|\s*$)`) })
)

// parseProgress reads one progress update such as
// "remote: Counting objects:  45% (45/100)" or "Enumerating objects: 5, done.".
func parseProgress(l string) (git.Progress, bool) {
	l = strings.TrimPrefix(l, "remote: ")
	l = strings.TrimSpace(l)
	if m := progressPct().FindStringSubmatch(l); m != nil {
		cur, err1 := strconv.ParseInt(m[2], 10, 64)
		tot, err2 := strconv.ParseInt(m[3], 10, 64)
		if err1 == nil && err2 == nil && !messagePrefix(m[1]) {
			return git.Progress{Phase: m[1], Current: cur, Total: tot}, true
		}
	}
	if m := progressCount().FindStringSubmatch(l); m != nil && !messagePrefix(m[1]) {
		cur, err := strconv.ParseInt(m[2], 10, 64)
		if err == nil {
			return git.Progress{Phase: m[1], Current: cur}, true
		}
	}
	return git.Progress{}, false
}

// messagePrefix tells git's message prefixes from progress phases, so
// "error: 5" is never taken for progress.
func messagePrefix(phase string) bool {
	switch strings.ToLower(phase) {
	case "error", "fatal", "warning", "hint":
		return true
	}
	return false
}

// userinfo matches the user:password@ part of a URL.
var userinfo = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s'"]+@`) })

// scrub removes credentials from text meant for people and logs: the
// userinfo of any URL, and any known secret verbatim.
func scrub(s string, secrets []string) string {
	s = userinfo().ReplaceAllString(s, "$1")
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

// maxDetail bounds Error.Detail.
const maxDetail = 600

// detail picks the most useful lines of git's stderr: the first three
// fatal:/error: lines (without the prefix; the first is usually the cause),
// else the last line that is not a hint.
func detail(stderr string) string {
	var picked []string
	lines := strings.Split(stderr, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		for _, p := range []string{"fatal: ", "error: "} {
			if rest, ok := strings.CutPrefix(l, p); ok && rest != "" {
				picked = append(picked, withListed(rest, lines[i+1:]))
				break
			}
		}
	}
	if len(picked) > 3 {
		picked = picked[:3]
	}
	if len(picked) == 0 {
		for i := len(lines) - 1; i >= 0; i-- {
			l := strings.TrimSpace(lines[i])
			if l != "" && !strings.HasPrefix(l, "hint:") {
				picked = []string{l}
				break
			}
		}
	}
	d := strings.Join(picked, "; ")
	if len(d) > maxDetail {
		d = d[:maxDetail] + "…"
	}
	return d
}

// withListed completes a message git follows with a list of paths, one a
// line after a tab ("…would be overwritten by merge:"): the paths are the
// part a person needs, so they are named in the detail.
func withListed(msg string, next []string) string {
	if !strings.HasSuffix(msg, ":") {
		return msg
	}
	var paths []string
	for _, l := range next {
		p, ok := strings.CutPrefix(strings.TrimRight(l, "\r"), "\t")
		if !ok {
			break
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		return msg
	}
	return msg + " " + git.PathList(paths)
}

// withStall adds curl's low-speed limit to a network call: a transfer
// slower than git.LowSpeedBytes a second for d fails with "Operation too
// slow", which Classify makes git.ErrStalled, instead of holding its slot
// until the operation's timeout. It goes through GIT_CONFIG_* (never
// argv), so it also reaches git-remote-https. SSH is not covered: its
// transport has no such limit; the operation timeout still bounds it.
func withStall(o cmdOpts, d time.Duration) cmdOpts {
	if d <= 0 {
		return o
	}
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	o.config = append(o.config[:len(o.config):len(o.config)],
		[2]string{"http.lowSpeedLimit", strconv.Itoa(git.LowSpeedBytes)},
		[2]string{"http.lowSpeedTime", strconv.Itoa(secs)})
	return o
}
